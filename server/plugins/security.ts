/**
 * Browser-facing protections. The CSP allows a same-origin single-page app (the dashboard at `/`, its
 * scripts, styles, images and API calls from 'self') and nothing inline; the docs UI sets its own
 * hash-based policy for its pages (swagger-ui staticCSP). CORS admits only CORS_ORIGINS.
 *
 * helmet's middleware is built once here and run on every request. @fastify/helmet rebuilt it per
 * request (parsing the CSP directives each time): a few percent of the API's CPU under load.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export async function registerSecurity(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  const headers = helmet({
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
  });
  app.addHook('onRequest', (request, reply, done) =>
    headers(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
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
