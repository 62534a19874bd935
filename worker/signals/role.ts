/**
 * The `signals` role: runs the signal engine (engine.ts) over SIGNAL_PAIRS on EXCHANGE. It polls for
 * candles aligned to each 5-minute close (on sim in accelerated time when SIM_SPEED > 1; on a ccxt
 * venue a moment after the close, ccxt's rate limiter pacing the calls), back-fills whatever closed
 * while it was down, and keeps going until stopped.
 *
 * One engine works at a time: a Postgres advisory lock held on a dedicated connection (released by
 * Postgres when a process dies); a second process of the role waits as a standby.
 */

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ConfigError } from '../../core/config.ts';
import type { AppContext, RoleHandle, RoleRuntime } from '../../core/context.ts';
import type { MarketData } from '../../core/market/market-data.ts';
import { SimMarketData, simOptions } from '../../core/market/sim/sim-market.ts';
import { errorsTotal } from '../../core/metrics.ts';
import { clearHeartbeat, writeHeartbeat } from '../../core/signals/heartbeat.ts';
import { paramsForPair } from '../../core/signals/params.ts';
import { decimalsOfStep } from '../../core/signals/precision.ts';
import { type SignalMode, STRATEGY_ID } from '../../core/signals/types.ts';
import { type EngineHooks, SignalEngine } from './engine.ts';

const TF = 300_000;
const ENGINE_LOCK = 0x5e_4a_11;

interface Venue {
  readonly market: MarketData;
  readonly clock: () => number;
  /** Market milliseconds per wall millisecond. */
  readonly speed: number;
  /** Wall ms to wait after a close before asking (the exchange finalises the candle). */
  readonly settleMs: number;
}

async function openVenue(ctx: AppContext): Promise<Venue> {
  const { config } = ctx;
  if (config.EXCHANGE === 'sim') {
    const sim = new SimMarketData(simOptions(config));
    return { market: sim, clock: () => sim.now(), speed: config.SIM_SPEED, settleMs: 50 };
  }
  // ccxt is large; only a real venue loads it.
  const { CcxtMarketData } = await import('../../core/market/ccxt-market.ts');
  const market = new CcxtMarketData(config.EXCHANGE, {
    apiBase: config.EXCHANGE_API_BASE,
    timeoutMs: config.EXCHANGE_TIMEOUT_MS,
    throttle: config.EXCHANGE_THROTTLE,
  });
  return { market, clock: Date.now, speed: 1, settleMs: 2_000 };
}

export interface SignalsRoleOptions {
  /** Candles fetched per pair per pass (tests use small pages for many commit points). */
  readonly pageSize?: number;
  /** How often a standby process tries for the engine lock. */
  readonly standbyPollMs?: number;
  /** Called once the engine lock is held and work begins. */
  readonly onWorking?: () => void;
  /** Fault-injection seams (the crash test's child process); production sets none. */
  readonly hooks?: EngineHooks;
}

export async function startSignalsRole(
  ctx: AppContext,
  _runtime?: RoleRuntime,
  options: SignalsRoleOptions = {},
): Promise<RoleHandle> {
  const { config, logger } = ctx;
  const venue = await openVenue(ctx);
  const pairs = config.SIGNAL_PAIRS;
  const listed = await venue.market.markets();
  const missing = pairs.filter((p) => !listed.some((m) => m.symbol === p));
  if (missing.length) {
    await venue.market.close();
    throw new ConfigError([
      { variable: 'SIGNAL_PAIRS', message: `${config.EXCHANGE} does not list ${missing.join(', ')}` },
    ]);
  }
  const params = pairs.map((pair) => {
    const info = listed.find((m) => m.symbol === pair)!;
    return paramsForPair(config.SIGNAL_PARAMS, pair, { priceDecimals: decimalsOfStep(info.priceStep) });
  });
  const modes: SignalMode[] = config.LIVE_TRADING_ENABLED ? ['paper', 'live'] : ['paper'];
  const engine = new SignalEngine({
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
    logger,
    market: venue.market,
    clock: venue.clock,
    pairs,
    params,
    modes,
    backfillMs: config.SIGNAL_BACKFILL_HOURS * 3_600_000,
    streamMaxLen: config.SIGNAL_STREAM_MAXLEN,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  // /ready of every api process (this one's or another's) reads the engine's heartbeat (heartbeat.ts).
  const owner = randomUUID();
  let beating = false;

  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const lock = new pg.Client({ connectionString: config.DATABASE_URL });
  await lock.connect();
  // A standby is warm: its pool is open and the sim/exchange answered, so a takeover starts at once.
  await ctx.db.signalEngineState.findFirst({ select: { key: true } });
  await venue.market.candles(pairs[0]!, '5m', { limit: 2 });
  const loop = (async () => {
    // Standby until the lock is ours.
    while (!stopping) {
      const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [ENGINE_LOCK]);
      if (got.rows[0]?.ok) break;
      await sleep(options.standbyPollMs ?? 1_000);
    }
    if (!stopping) {
      logger.info({ pairs, exchange: config.EXCHANGE }, 'signal engine working');
      options.onWorking?.();
    }
    let failures = 0;
    while (!stopping) {
      try {
        const started = performance.now();
        const r = await engine.pass();
        failures = 0;
        if (r.candles)
          logger.debug(
            {
              candles: r.candles,
              ms: Math.round(performance.now() - started),
              lagSeconds: engine.lagSeconds,
            },
            'signal engine pass',
          );
        beating = true;
        await writeHeartbeat(ctx.redis, ctx.keys, {
          lastClose: engine.newestClose,
          candles: engine.candlesSeen,
          marketNow: venue.clock(),
          at: Date.now(),
          speed: venue.speed,
          owner,
        }).catch(() => undefined);
        if (r.more) continue;
        // Sleep until the next candle closes, in market time.
        const now = venue.clock();
        const nextClose = (Math.floor(now / TF) + 1) * TF;
        await sleep((nextClose - now) / venue.speed + venue.settleMs);
      } catch (err) {
        failures++;
        errorsTotal.inc({ code: (err as { code?: string }).code ?? 'ERR_INTERNAL', where: 'signals' });
        logger.warn({ err, failures }, 'signal engine pass failed; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  })();

  const venueName =
    config.EXCHANGE === 'sim'
      ? `simulated market${config.SIM_SPEED > 1 ? `, ${config.SIM_SPEED}× accelerated time` : ''}`
      : config.EXCHANGE;
  return {
    name: 'signals',
    summary: `${STRATEGY_ID} on ${pairs.join(', ')} (${venueName}) → ${modes.map((m) => `signals:${m}`).join(', ')}, pnl:equity`,
    async stop() {
      stopping = true;
      wake?.();
      await loop; // the pass in flight finishes (and commits) first
      // Stopped on purpose: "not running" rather than a stale beat that reads as lagging.
      if (beating) await clearHeartbeat(ctx.redis, ctx.keys, owner).catch(() => undefined);
      await lock.end().catch(() => undefined);
      await venue.market.close();
    },
  };
}
