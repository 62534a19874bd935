/** The dashboard's files: immutable hashed assets, index.html revalidated, SPA fallback outside /v1. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../errors.ts';
import { dashboardRoutes } from './dashboard.ts';

const dist = mkdtempSync(join(tmpdir(), 'cp-dist-'));
let app: FastifyInstance;

async function build(dir: string): Promise<FastifyInstance> {
  const a = Fastify();
  registerErrorHandler(a);
  // One request per minute: the dashboard's files must not count against it.
  await a.register(rateLimit, { max: 1, timeWindow: 60_000 });
  a.get('/v1/signals', async () => ({ items: [], nextCursor: null }));
  await a.register(dashboardRoutes(dir));
  return a;
}

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'robots.txt'), 'User-agent: *');
  app = await build(dist);
});
afterAll(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('dashboard files', () => {
  it('serves index.html at / without letting it be cached', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('id="root"');
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await app.inject('/assets/index-AbC123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers app paths with index.html, and unknown files and /v1 routes with the JSON 404', async () => {
    const page = await app.inject('/signals/bar_reaction_5m:BTC-USD:1?mode=paper');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="root"');
    for (const url of ['/v1/nope', '/v1', '/assets/missing-1.js', '/missing.png', '/a/b.txt']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('ERR_NOT_FOUND');
    }
    expect((await app.inject('/robots.txt')).body).toBe('User-agent: *');
  });

  it('does not spend the API rate limit on page loads', async () => {
    for (let i = 0; i < 5; i++) expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/v1/signals')).statusCode).toBe(200);
    expect((await app.inject('/v1/signals')).statusCode).toBe(429);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cp-nodist-'));
    const bare = await build(empty);
    const res = await bare.inject('/');
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/not built yet/);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
});
