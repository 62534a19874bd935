/**
 * /ready of an api process that does NOT run the signal engine reflects the engine of another process
 * through its heartbeat: ready while no engine ever ran here, not ready while the engine back-fills
 * (lag beyond SIGNAL_MAX_LAG_SECONDS) or has died (its last beat ages while candles keep closing),
 * ready once it keeps up, and "not running" again after a graceful stop.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { type AppContext, createAppContext } from '../../core/context.ts';
import { createLogger } from '../../core/logger.ts';
import { writeHeartbeat } from '../../core/signals/heartbeat.ts';
import { buildApp } from '../../server/app.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { startSignalsRole } from './role.ts';

const TF = 300_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/ready of a standalone api process', () => {
  let t: TestContext;
  let api: AppContext;
  let engine: AppContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await createTestContext('ready-standalone');
    const env = {
      ...t.env,
      LOG_LEVEL: 'silent',
      EXCHANGE: 'sim',
      SIM_SPEED: '1',
      SIGNAL_PAIRS: 'ETH/USDT,BTC/USDT',
      SIGNAL_BACKFILL_HOURS: '2',
      SIGNAL_MAX_LAG_SECONDS: '900',
    };
    // Two contexts as two processes would have: the api's and the engine's (no shared memory).
    api = createAppContext(loadConfig(env), createLogger({ level: 'silent' }));
    engine = createAppContext(loadConfig(env), createLogger({ level: 'silent' }));
    app = await buildApp(api);
  });
  afterAll(async () => {
    await app?.close();
    await api?.close();
    await engine?.close();
    await t?.close();
  });

  const ready = async () => {
    const res = await app.inject('/ready');
    const signals = (res.json() as { checks: { name: string }[] }).checks.find((c) => c.name === 'signals');
    return { status: res.statusCode, signals };
  };

  it('follows the engine of another process: back-filling, keeping up, stopped, dead', async () => {
    expect(await ready()).toEqual({
      status: 200,
      signals: { name: 'signals', ok: true, detail: { engine: 'not running' } },
    });

    // The engine's second pass waits at its commit until the test has seen the api report the lag.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let commits = 0;
    const role = await startSignalsRole(engine, undefined, {
      pageSize: 5,
      hooks: {
        afterCommit: async () => {
          if (++commits === 2) await gate;
        },
      },
    });
    try {
      // After the first pass (5 of 24 candles per pair) the engine is over an hour and a half behind.
      const lagging = await until('503 while back-filling', async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      });
      expect(lagging.signals).toEqual({
        name: 'signals',
        ok: false,
        error: expect.stringMatching(
          /^the signal engine is \d+ s behind the last closed candle \(bound 900 s\)$/,
        ),
        detail: { lagSeconds: expect.any(Number), candles: 10 },
      });
      expect(
        (lagging.signals as unknown as { detail: { lagSeconds: number } }).detail.lagSeconds,
      ).toBeGreaterThan(900);
      release();
      const caughtUp = await until('200 once caught up', async () => {
        const r = await ready();
        return r.status === 200 ? r : undefined;
      });
      expect(caughtUp.signals).toMatchObject({ name: 'signals', ok: true });
      // 2 h of 5m candles for each of two pairs (a candle more if one closed meanwhile).
      expect(
        (caughtUp.signals as unknown as { detail: { candles: number } }).detail.candles,
      ).toBeGreaterThanOrEqual(48);
      expect(
        (caughtUp.signals as unknown as { detail: { lagSeconds: number } }).detail.lagSeconds,
      ).toBeLessThanOrEqual(900);
    } finally {
      release();
      await role.stop();
    }
    // Stopped on purpose: nothing to wait for.
    expect((await ready()).signals).toEqual({ name: 'signals', ok: true, detail: { engine: 'not running' } });

    // An engine that died 20 minutes ago, caught up then: its beat says so, and the api sees it behind.
    const at = Date.now() - 20 * 60_000;
    await writeHeartbeat(api.redis, api.keys, {
      lastClose: Math.floor(at / TF) * TF,
      marketNow: at,
      at,
      speed: 1,
      candles: 48,
      owner: 'a process that was SIGKILLed',
    });
    const dead = await ready();
    expect(dead.status).toBe(503);
    expect(dead.signals).toMatchObject({
      ok: false,
      error: expect.stringMatching(/behind the last closed candle/),
    });
  }, 120_000);
});
