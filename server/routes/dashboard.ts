/**
 * The web dashboard (web/, built into web/dist by the bootstrap step) at `/`. Hashed files under
 * /assets/ never change, so browsers may keep them for a year; index.html names the current ones and
 * is revalidated on every load, so a new build shows up on the next reload. Paths outside /v1 that
 * name no file get index.html too (the app reads its state from the address); /v1 keeps its JSON 404.
 * Static files are exempt from the API rate limit: a page load must not spend a reader's quota.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export const DEFAULT_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>CryptoPulse</title>
<p>The dashboard is not built yet. <code>npm run demo</code>, <code>npm test</code> and
<code>npm run bench</code> build it; or run <code>npx vite build web</code>.
The API is up: see <a href="/docs">/docs</a>.</p>`;

const noLimit = { config: { rateLimit: false } } as const;

export function dashboardRoutes(distDir: string = DEFAULT_DIST): FastifyPluginAsync {
  return async (app) => {
    const built = () => existsSync(join(distDir, 'index.html'));
    await app.register(fastifyStatic, { root: distDir, serve: false });

    const sendIndex = (reply: FastifyReply) => {
      if (!built()) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };

    app.get('/', { ...noLimit, schema: { hide: true } }, (_req, reply) => sendIndex(reply));

    app.get<{ Params: { '*': string } }>('/assets/*', { ...noLimit, schema: { hide: true } }, (req, reply) =>
      reply.sendFile(join('assets', req.params['*']), {
        cacheControl: true,
        maxAge: 365 * 24 * 3600 * 1000,
        immutable: true,
      }),
    );

    app.get<{ Params: { '*': string } }>('/*', { ...noLimit, schema: { hide: true } }, (req, reply) => {
      const path = req.params['*'];
      // /v1 is the API's: an unknown route there is a JSON 404, never the page.
      if (path === 'v1' || path.startsWith('v1/')) return reply.callNotFound();
      const file = path.split('/').pop() ?? '';
      if (file.includes('.')) {
        if (path.includes('/') || !existsSync(join(distDir, file))) return reply.callNotFound();
        return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
      }
      return sendIndex(reply);
    });
  };
}
