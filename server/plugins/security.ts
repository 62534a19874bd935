/**
 * Browser-facing protections, two sets. Pages: a CSP that allows a same-origin single-page app (the
 * dashboard at `/`, its scripts, styles, images and API calls from 'self') and nothing inline, with
 * helmet's other defaults; the docs UI sets its own hash-based policy for its pages (swagger-ui
 * staticCSP). The API's responses: `default-src 'none'` and the few headers that matter for data.
 * CORS admits only CORS_ORIGINS.
 *
 * helmet's headers depend on this configuration only (no nonces), so its middleware runs once, here,
 * against a recording response, and every request gets the recorded headers on its reply. Run per
 * request it cost a few percent of the API's CPU under load (@fastify/helmet, which also rebuilt the
 * middleware each time, more): thirteen setHeader calls on the raw response, which then made Node
 * merge and re-validate every other header of the reply too.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The headers a helmet middleware sets, recorded from one run against a stand-in response. */
function recordHeaders(middleware: ReturnType<typeof helmet>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let ran = false;
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    ran = true;
  });
  if (!ran) throw new Error('helmet did not set its headers synchronously');
  return headers;
}

/**
 * What programs read (JSON, event streams, metrics): the header set of OWASP's REST Security Cheat Sheet
 * and no more. A browser only renders such a response when someone opens its URL, so the document
 * policies (referrer, opener, DNS prefetch, …) protect nothing there, while each was written and read
 * on every one of the API's busiest responses (22 headers → 15 on /v1/signals: README, API section).
 */
function apiHeaders(corpPolicy: CorpPolicy): Readonly<Record<string, string>> {
  return recordHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginResourcePolicy: { policy: corpPolicy },
      xFrameOptions: { action: 'deny' },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      referrerPolicy: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
}

/** The dashboard's pages and assets; the docs UI and its OpenAPI document set their own CSP (staticCSP). */
function documentHeaders(corpPolicy: CorpPolicy): Readonly<Record<string, string>> {
  return recordHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
      crossOriginResourcePolicy: { policy: corpPolicy },
    }),
  );
}

type CorpPolicy = 'cross-origin' | 'same-origin';

const PROGRAM_PATHS = /^\/(?:v1|health|ready|metrics)(?:[/?]|$)/;

/** Whether the URL (path and query) is one of the API's, read by programs rather than rendered. */
function readByPrograms(url: string): boolean {
  return PROGRAM_PATHS.test(url);
}

export async function registerSecurity(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  // The API is read by other origins' scripts when CORS_ORIGINS allows them.
  const corp: CorpPolicy = corsOrigins.length ? 'cross-origin' : 'same-origin';
  const api = apiHeaders(corp);
  const documents = documentHeaders(corp);
  // On the reply, not the raw response: hijacked replies (the SSE streams) copy reply.getHeaders().
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(readByPrograms(request.url) ? api : documents);
    done();
  });
  await app.register(cors, {
    origin: corsOrigins.length ? [...corsOrigins] : false,
    methods: ['GET', 'HEAD', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Last-Event-ID', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: [
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'X-Request-Id',
    ],
    maxAge: 600,
  });
}
