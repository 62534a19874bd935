/**
 * Browser-facing protections. The CSP allows a same-origin single-page app (the dashboard at `/`, its
 * scripts, styles, images and API calls from 'self') and nothing inline; the docs UI sets its own
 * hash-based policy for its pages (swagger-ui staticCSP). CORS admits only CORS_ORIGINS.
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

export async function registerSecurity(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  const headers = recordHeaders(
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
      // The API is read by other origins' scripts when CORS_ORIGINS allows them.
      crossOriginResourcePolicy: { policy: corsOrigins.length ? 'cross-origin' : 'same-origin' },
    }),
  );
  // On the reply, not the raw response: hijacked replies (the SSE streams) copy reply.getHeaders().
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
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
