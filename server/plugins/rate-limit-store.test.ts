/**
 * The batched rate-limit counter on real Redis: requests counted together in one event-loop turn, by
 * two instances at once, still get one exact count each (1…n, none twice), so the 61st request of
 * the minute is refused however the requests were grouped; under continuous load the store calls
 * Redis at most once per MIN_CALL_INTERVAL_MS.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { type AppContext, createAppContext } from '../../core/context.ts';
import { createLogger } from '../../core/logger.ts';
import { rateLimitCalls } from '../../core/metrics.ts';
import { createRedis, type Redis } from '../../core/redis.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { buildApp } from '../app.ts';
import { batchedRedisStore, MIN_CALL_INTERVAL_MS } from './rate-limit-store.ts';

let t: TestContext;
let other: Redis;
const opened: { app: FastifyInstance; ctx: AppContext }[] = [];

async function instance(): Promise<FastifyInstance> {
  const ctx = createAppContext(
    loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '60' }),
    createLogger({ level: 'silent' }),
  );
  const app = await buildApp(ctx);
  opened.push({ app, ctx });
  return app;
}

beforeAll(async () => {
  t = await createTestContext('ratelimit-batch');
  other = createRedis({ url: t.redisUrl, name: 'ratelimit-batch-other' });
});

afterAll(async () => {
  for (const { app, ctx } of opened) {
    await app.close();
    await ctx.close();
  }
  other.disconnect();
  await t.close();
});

function count(store: FastifyRateLimitStore, key: string) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (err, res) => (err || !res ? reject(err) : resolve(res)), 60_000, 60),
  );
}

const callsSoFar = async () => (await rateLimitCalls.get()).values[0]?.value ?? 0;
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('batched rate-limit counter', () => {
  it('gives every request of one turn, from two processes, its own count within one window', async () => {
    const prefix = `${t.keys.key('ratelimit')}:`;
    const Store = batchedRedisStore(t.redis, prefix);
    const OtherStore = batchedRedisStore(other, prefix);
    const [a, b] = [new Store({}), new OtherStore({})];
    // Issued in one synchronous loop: each store sends its share as one batch.
    const shared: Promise<{ current: number; ttl: number }>[] = [];
    const apart: Promise<{ current: number; ttl: number }>[][] = [[], [], []];
    for (let i = 0; i < 50; i++) {
      shared.push(count(i % 2 ? a : b, 'ip:shared'));
      apart[i % 3]!.push(count(a, `ip:apart${i % 3}`));
    }
    const counts = async (ps: Promise<{ current: number; ttl: number }>[]) => {
      const results = await Promise.all(ps);
      for (const r of results) expect(r.ttl).toBeGreaterThan(0);
      return results.map((r) => r.current).sort((x, y) => x - y);
    };
    expect(await counts(shared)).toEqual(upTo(50));
    for (const group of apart) expect(await counts(group)).toEqual(upTo(group.length));
    expect(await t.redis.pttl(`${prefix}ip:shared`)).toBeGreaterThan(0);
    // A later turn goes on from the total.
    expect((await count(b, 'ip:shared')).current).toBe(51);
  });

  it('under continuous load calls Redis at most once per interval, every request still counted exactly', async () => {
    const Store = batchedRedisStore(t.redis, `${t.keys.key('ratelimit')}:`);
    const store = new Store({});
    const callsBefore = await callsSoFar();
    const started = performance.now();
    const pending: Promise<{ current: number; ttl: number }>[] = [];
    // A few requests every event-loop turn for 200 ms: each reply finds more waiting.
    while (performance.now() - started < 200) {
      for (let i = 0; i < 5; i++) pending.push(count(store, 'ip:steady'));
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(pending);
    const elapsed = performance.now() - started;
    const calls = (await callsSoFar()) - callsBefore;
    expect(results.map((r) => r.current).sort((x, y) => x - y)).toEqual(upTo(pending.length));
    // Calls start at least the interval apart, so however slow the machine, no more than this.
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(Math.floor(elapsed / MIN_CALL_INTERVAL_MS) + 1);
  });

  it('refuses exactly the requests beyond the limit when 70 arrive at once on two instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const from = { remoteAddress: '203.0.113.9' };
    const responses = await Promise.all(
      Array.from({ length: 70 }, (_, i) => (i % 2 ? a : b).inject({ url: '/v1/signals?limit=1', ...from })),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    const limited = responses.filter((r) => r.statusCode === 429);
    expect(ok).toHaveLength(60);
    expect(limited).toHaveLength(10);
    expect(ok.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    for (const r of limited) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });
});
