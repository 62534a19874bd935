/**
 * Redis down under a running api, on a redis-server this test starts on its own port (never the shared
 * one): /ready and the streams answer 503 with the one JSON error shape and Retry-After, at once rather
 * than hanging; the REST routes that only read Postgres (or the exchange) keep answering; and when the
 * same Redis comes back everything recovers by itself, the stream hub included (an entry appended after
 * the restart reaches a new stream).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../core/apikeys/store.ts';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createRedis } from '../core/redis.ts';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal } from '../core/signals/testing/fixtures.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';
import { SESSION_COOKIE, SessionSigner } from './session.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    const probe = createRedis({ url: this.url, name: 'outage-probe', failFast: true });
    probe.on('error', () => undefined);
    try {
      for (let i = 0; i < 100; i++) {
        if ((await probe.ping().catch(() => '')) === 'PONG') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('redis-server did not start');
    } finally {
      probe.disconnect();
    }
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

describe('the api while its Redis is down', () => {
  let t: TestContext;
  let redis: OwnRedis;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  /** A dashboard session cookie, signed while Redis is up. */
  let session: string;

  beforeAll(async () => {
    t = await createTestContext('redis-outage');
    redis = new OwnRedis(await freePort());
    await redis.start();
    ctx = createAppContext(
      loadConfig({ ...t.env, REDIS_URL: redis.url, EXCHANGE: 'sim', RATE_LIMIT_PER_MINUTE: '1000' }),
      createLogger({ level: 'silent' }),
    );
    // The context's own connection reports the outage too; the test expects it.
    ctx.redis.on('error', () => undefined);
    app = await buildApp(ctx, { heartbeatMs: 200 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const key = await new ApiKeyStore(ctx.db).create({ name: 'outage-desk', ratePerMinute: 1000 });
    const token = await new SessionSigner(ctx).issue(key.info.id);
    session = `${SESSION_COOKIE}=${token}`;
    // In use before the outage, as a dashboard would be: the process has derived its session MAC key
    // (from the install's secret, kept in Redis when CONFIRM_SECRET is unset).
    expect(
      (await app.inject({ url: '/v1/session', headers: { cookie: session } })).json().session,
    ).not.toBeNull();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await redis?.stop();
    await t?.close();
  });

  /** Opens a stream and returns its status, headers and the first chunk; aborts it either way. */
  async function stream(path: string) {
    const abort = new AbortController();
    const res = await fetch(`${base}${path}`, { signal: abort.signal });
    try {
      if (res.status !== 200) return { status: res.status, headers: res.headers, body: await res.text() };
      const reader = res.body!.getReader();
      let text = '';
      const deadline = Date.now() + 5_000;
      while (!text.includes('\n\n') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return { status: 200, headers: res.headers, body: text, reader };
    } finally {
      if (res.status !== 200) abort.abort();
    }
  }

  const waitFor = async (what: () => Promise<boolean>) => {
    for (let i = 0; i < 150; i++) {
      if (await what()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not reached');
  };

  it('answers normally while Redis is up', async () => {
    expect((await app.inject('/ready')).statusCode).toBe(200);
    const s = await stream('/v1/signals/stream');
    expect(s.status).toBe(200);
    expect(s.body).toContain('retry:');
    await s.reader?.cancel();
  });

  it('Redis down: /ready and the streams answer 503 with a JSON error and Retry-After; Postgres routes still answer', async () => {
    await redis.stop();
    await waitFor(async () => (await app.inject('/ready')).statusCode === 503);

    const ready = await app.inject('/ready');
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json().status).toBe('not ready');
    expect(ready.json().checks).toEqual(
      expect.arrayContaining([
        { name: 'postgres', ok: true },
        { name: 'redis', ok: false, error: expect.stringMatching(/redis/i) },
      ]),
    );

    for (const path of [
      '/v1/signals/stream',
      '/v1/signals/stream?lastEventId=1700000000000-0',
      '/v1/pnl/stream',
      '/v1/pnl/stream?lastEventId=1700000000000-0',
    ]) {
      const s = await stream(path);
      expect(s.status, path).toBe(503);
      expect(s.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(s.headers.get('retry-after'), path).toBe('5');
      expect(JSON.parse(s.body), path).toEqual({
        error: {
          code: 'ERR_UNAVAILABLE',
          message: 'The live stream needs Redis, which is not reachable right now; retry in a few seconds.',
        },
      });
    }

    // Reads of Postgres and the exchange do not need Redis: served (the rate limit lets them through).
    const signals = await app.inject('/v1/signals?limit=5');
    expect(signals.statusCode).toBe(200);
    expect(signals.json()).toMatchObject({ items: [] });
    const candles = await app.inject('/v1/candles?pair=BTC/USDT&limit=5');
    expect(candles.statusCode).toBe(200);
    expect(candles.json().candles).toHaveLength(5);

    // The dashboard's session still opens what Postgres serves (the sign-out list is in Redis).
    const mine = await app.inject({ url: '/v1/session', headers: { cookie: session } });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().session.key.name).toBe('outage-desk');
    const withSession = await app.inject({ url: '/v1/signals?limit=5', headers: { cookie: session } });
    expect(withSession.statusCode).toBe(200);

    // A sign-out that cannot be recorded says so and keeps the cookie, so the browser can try again.
    const out = await app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: session } });
    expect(out.statusCode).toBe(503);
    expect(out.json().error.code).toBe('ERR_UNAVAILABLE');
    expect(out.headers['set-cookie']).toBeUndefined();
  });

  it('Redis back: ready again, and a new stream is live (an entry appended after the restart arrives)', async () => {
    await redis.start();
    await waitFor(async () => (await app.inject('/ready')).statusCode === 200);
    await waitFor(async () => {
      const s = await stream('/v1/signals/stream');
      await s.reader?.cancel();
      return s.status === 200;
    });
    const s = await stream('/v1/signals/stream');
    expect(s.status).toBe(200);
    const writer = createRedis({ url: redis.url, name: 'outage-writer' });
    try {
      const signal = sampleSignal({ candleTime: Date.UTC(2026, 5, 1) });
      const id = await appendEntry(writer, ctx.keys, 'signals:paper', { type: 'signal', data: signal });
      let text = s.body;
      const deadline = Date.now() + 10_000;
      while (!text.includes(`id: ${id}`) && Date.now() < deadline) {
        const { value, done } = await s.reader!.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(`id: ${id}`);
      expect(text).toContain(signal.id);
    } finally {
      await s.reader?.cancel();
      writer.disconnect();
    }
  });
});
