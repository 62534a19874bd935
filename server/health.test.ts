import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

let t: TestContext;
let ctx: AppContext;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestContext('health');
  ctx = createAppContext(
    loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '5' }),
    createLogger({ level: 'silent' }),
  );
  app = await buildApp(ctx);
});

afterAll(async () => {
  await app.close();
  await ctx.close();
  await t.close();
});

describe('operations endpoints', () => {
  it('GET /health answers 200 with a status', async () => {
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('GET /ready checks Postgres and Redis for real (and the signal engine, which never ran here)', async () => {
    const res = await app.inject('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json().checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'redis', ok: true },
      { name: 'signals', ok: true, detail: { engine: 'not running' } },
    ]);
  });

  it('GET /metrics serves Prometheus text', async () => {
    const res = await app.inject('/metrics');
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain('cryptopulse_process_cpu_user_seconds_total');
  });

  it('GET /docs/json serves the OpenAPI document', async () => {
    const res = await app.inject('/docs/json');
    expect(res.json().openapi).toMatch(/^3\./);
    expect(Object.keys(res.json().paths)).toContain('/health');
  });

  it('unknown routes get the coded error shape', async () => {
    const res = await app.inject('/v1/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'No route GET /v1/nope' } });
  });

  it('rate-limits per client through Redis, with the coded error', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await app.inject('/docs/json')).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
    const limited = await app.inject('/docs/json');
    expect(limited.json().error.code).toBe('ERR_RATE_LIMITED');
    expect((await app.inject('/health')).statusCode).toBe(200);
  });
});
