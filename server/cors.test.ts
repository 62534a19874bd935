/**
 * Browsers on other origins (CORS_ORIGINS) and OPTIONS: an allowed origin's preflight is answered with
 * what the API accepts and its responses expose the limit headers; any other origin gets no CORS
 * header; with CORS off, OPTIONS on a route names its methods instead of claiming there is no route.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

const DASHBOARD = 'https://dash.example.com';

let t: TestContext;
const contexts: AppContext[] = [];
let withCors: FastifyInstance;
let withoutCors: FastifyInstance;

async function app(corsOrigins: string): Promise<FastifyInstance> {
  const ctx = createAppContext(
    loadConfig({ ...t.env, CORS_ORIGINS: corsOrigins, RATE_LIMIT_PER_MINUTE: '1000' }),
    createLogger({ level: 'silent' }),
  );
  contexts.push(ctx);
  return buildApp(ctx);
}

beforeAll(async () => {
  t = await createTestContext('cors');
  withCors = await app(DASHBOARD);
  withoutCors = await app('');
});

afterAll(async () => {
  await withCors.close();
  await withoutCors.close();
  for (const ctx of contexts) await ctx.close();
  await t.close();
});

const preflight = (server: FastifyInstance, origin: string, url = '/v1/signals') =>
  server.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization, last-event-id',
    },
  });

describe('with CORS_ORIGINS set', () => {
  it("answers an allowed origin's preflight with the methods and headers the API takes", async () => {
    for (const url of ['/v1/signals', '/v1/signals/stream', '/v1/pnl']) {
      const res = await preflight(withCors, DASHBOARD, url);
      expect(res.statusCode, url).toBe(204);
      expect(res.headers['access-control-allow-origin'], url).toBe(DASHBOARD);
      expect(String(res.headers['access-control-allow-methods'])).toBe('GET, HEAD, OPTIONS');
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('last-event-id');
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    }
  });

  it("lets the allowed origin read a page and its limit headers, and no other origin's script", async () => {
    const allowed = await withCors.inject({ url: '/v1/signals?limit=1', headers: { origin: DASHBOARD } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(DASHBOARD);
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('Retry-After');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('X-RateLimit-Remaining');
    for (const origin of ['https://evil.example', `${DASHBOARD}.evil.example`, 'null']) {
      const other = await withCors.inject({ url: '/v1/signals?limit=1', headers: { origin } });
      expect(other.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(
        (await preflight(withCors, origin)).headers['access-control-allow-origin'],
        origin,
      ).toBeUndefined();
    }
  });
});

describe('with CORS off (CORS_ORIGINS empty)', () => {
  it('gives no origin a CORS header', async () => {
    const res = await withoutCors.inject({ url: '/v1/signals?limit=1', headers: { origin: DASHBOARD } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(withoutCors, DASHBOARD)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers OPTIONS on a route with 204 and Allow; a path with no route is still a 404', async () => {
    for (const [url, allow] of [
      ['/v1/signals', 'GET, HEAD, OPTIONS'],
      ['/v1/signals/bar_reaction_5m:BTC-USD:1', 'GET, HEAD, OPTIONS'],
      ['/v1/signals/stream', 'GET, HEAD, OPTIONS'],
      ['/v1/session', 'DELETE, GET, HEAD, OPTIONS, POST'],
    ] as const) {
      const res = await withoutCors.inject({ method: 'OPTIONS', url });
      expect(res.statusCode, url).toBe(204);
      expect(res.headers.allow, url).toBe(allow);
      expect(res.body, url).toBe('');
    }
    const none = await withoutCors.inject({ method: 'OPTIONS', url: '/v1/nothing' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('ERR_NOT_FOUND');
  });
});
