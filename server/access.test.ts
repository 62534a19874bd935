/**
 * Limits and access on real Redis and Postgres: two app instances on one Redis share the per-address
 * limit (request 61 gets 429 with Retry-After), a forged X-Forwarded-For buys no fresh quota while
 * TRUST_PROXY is off, an API key made by the CLI's command (in-process) lifts its holder above the anonymous limit until
 * it is revoked, the database keeps only its hash, API_REQUIRE_KEY closes /v1, METRICS_TOKEN /metrics.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApiKeysCommand } from '../cli/apikeys.ts';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

let t: TestContext;
const opened: { app: FastifyInstance; ctx: AppContext }[] = [];

async function instance(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const ctx = createAppContext(
    loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '60', ...env }),
    createLogger({ level: 'silent' }),
  );
  const app = await buildApp(ctx);
  opened.push({ app, ctx });
  return app;
}

beforeAll(async () => {
  t = await createTestContext('access');
});

afterAll(async () => {
  for (const { app, ctx } of opened) {
    await app.close();
    await ctx.close();
  }
  await t.close();
});

describe('rate limit shared across instances', () => {
  it('counts both instances together: request 61 gets 429 with Retry-After and X-RateLimit-*', async () => {
    const [a, b] = [await instance(), await instance()];
    const from = { remoteAddress: '203.0.113.7' };
    for (let i = 1; i <= 60; i++) {
      const res = await (i % 2 ? a : b).inject({ url: '/v1/signals?limit=1', ...from });
      expect(res.statusCode, `request ${i}`).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('60');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(60 - i));
    }
    const limited = await a.inject({ url: '/v1/signals?limit=1', ...from });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.json().error.code).toBe('ERR_RATE_LIMITED');

    // TRUST_PROXY is off: the header is not believed, the socket address is still the one counted.
    const forged = await b.inject({
      url: '/v1/signals?limit=1',
      ...from,
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(forged.statusCode).toBe(429);
    // Probes and the dashboard are not limited.
    expect((await a.inject({ url: '/health', ...from })).statusCode).toBe(200);
  });

  it('with TRUST_PROXY=1 the address from the proxy is the one counted', async () => {
    const proxied = await instance({ TRUST_PROXY: '1' });
    const from = { remoteAddress: '10.0.0.2' };
    for (let i = 0; i < 60; i++) {
      await proxied.inject({
        url: '/v1/signals?limit=1',
        ...from,
        headers: { 'x-forwarded-for': '192.0.2.10' },
      });
    }
    const same = await proxied.inject({
      url: '/v1/signals?limit=1',
      ...from,
      headers: { 'x-forwarded-for': '192.0.2.10' },
    });
    expect(same.statusCode).toBe(429);
    const other = await proxied.inject({
      url: '/v1/signals?limit=1',
      ...from,
      headers: { 'x-forwarded-for': '192.0.2.11' },
    });
    expect(other.statusCode).toBe(200);
  });
});

/** `cryptopulse apikeys …` as the CLI runs it, with its output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    const code = await runApiKeysCommand(args, { ...process.env, ...t.env });
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('API keys', () => {
  it('created by the CLI, used above the anonymous limit, revoked, then refused; only the hash is stored', async () => {
    const app = await instance();
    const created = await cli(['create', '--name', 'integration', '--limit', '100']);
    expect(created.code).toBe(0);
    const key = /key: (cpk_\S+)/.exec(created.out)?.[1];
    expect(key).toBeDefined();
    const from = { remoteAddress: '203.0.113.50' };
    const auth = { authorization: `Bearer ${key}` };
    for (let i = 1; i <= 80; i++) {
      const res = await app.inject({ url: '/v1/signals?limit=1', ...from, headers: auth });
      expect(res.statusCode, `keyed request ${i}`).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('100');
    }
    // The same address without the key has its own, anonymous quota.
    expect((await app.inject({ url: '/v1/signals?limit=1', ...from })).headers['x-ratelimit-limit']).toBe(
      '60',
    );

    const rows = await t.db.apiKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(createHash('sha256').update(key!).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(key!.slice(12));

    expect((await cli(['revoke', rows[0]!.prefix])).code).toBe(0);
    expect((await cli(['list'])).out).toMatch(/integration\t100\t\S+\t\S+\t20\d\d-/);
    const refused = await app.inject({ url: '/v1/signals?limit=1', ...from, headers: auth });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('ERR_UNAUTHORIZED');
    const forged = await app.inject({
      url: '/v1/signals',
      ...from,
      headers: { authorization: 'Bearer cpk_x' },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('API_REQUIRE_KEY=true closes /v1 to anonymous callers, not the probes', async () => {
    const app = await instance({ API_REQUIRE_KEY: 'true' });
    const res = await app.inject({ url: '/v1/signals', remoteAddress: '203.0.113.60' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('ERR_UNAUTHORIZED');
    expect((await app.inject('/health')).statusCode).toBe(200);
  });

  it('METRICS_TOKEN guards /metrics', async () => {
    const app = await instance({ METRICS_TOKEN: 'a-metrics-token-123' });
    expect((await app.inject('/metrics')).statusCode).toBe(401);
    const ok = await app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer a-metrics-token-123' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/cryptopulse_http_requests_total\{method="GET",route="\/v1\/signals"/);
  });
});
