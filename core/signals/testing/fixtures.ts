/**
 * Fixtures for tests of every role that reads signals (API, broadcaster, dashboard): a valid signal
 * with overrides, and a writer that stores signals through the real store (rows + outbox) and relays
 * them to the streams, exactly as the engine does.
 */
import type { Db } from '../../db/client.ts';
import type { Redis, RedisKeys } from '../../redis.ts';
import { closeSignal, insertEquityPoint, insertSignal } from '../store.ts';
import { relayOutbox } from '../streams.ts';
import { type ExitReason, type Signal, STRATEGY_ID, signalId } from '../types.ts';

const FIVE_MIN = 300_000;

/** A BTC/USDT long on the candle opening at `candleTime` (default 2026-01-12T00:30Z). */
export function sampleSignal(overrides: Partial<Signal> = {}): Signal {
  const candleTime = overrides.candleTime ?? Date.UTC(2026, 0, 12, 0, 30);
  const pair = overrides.pair ?? 'BTC/USDT';
  return {
    id: signalId(pair, candleTime),
    strategy: STRATEGY_ID,
    exchange: 'sim',
    pair,
    timeframe: '5m',
    mode: 'paper',
    side: 'long',
    entry: 17944.2,
    stopLoss: 17909.19,
    takeProfit1: 18002.54,
    takeProfit: 18049.22,
    confidence: 0.719,
    reason: '5m bar +13.1 bps, ATR 0.20% of price',
    candleTime,
    time: new Date(candleTime + FIVE_MIN).toISOString(),
    status: 'open',
    exit: null,
    ...overrides,
  };
}

/** The signal closed at `price` by `reason` one hour after it opened, with a plausible track record. */
export function closedSignal(signal: Signal, reason: ExitReason, price: number, pnl: number): Signal {
  const risk = Math.abs(signal.entry - signal.stopLoss);
  const k = signal.side === 'long' ? 1 : -1;
  return {
    ...signal,
    status: reason,
    exit: {
      price,
      time: new Date(Date.parse(signal.time) + 3_600_000).toISOString(),
      reason,
      r: (k * (price - signal.entry)) / risk,
      pnl,
      pnlPct: (pnl / 10_000) * 100,
    },
  };
}

/** Stores the signals (open ones first as `signal`, closed ones then as `lifecycle`) and relays them. */
export async function seedSignals(
  db: Db,
  redis: Redis,
  keys: RedisKeys,
  signals: readonly Signal[],
): Promise<void> {
  let equity = 10_000;
  for (const s of signals) {
    await db.$transaction(async (tx) => {
      await insertSignal(tx, { ...s, status: 'open', exit: null }, { qty: 1, equityAtEntry: equity });
      if (s.exit) {
        await closeSignal(tx, s);
        equity += s.exit.pnl;
        await insertEquityPoint(
          tx,
          `${s.mode}:close:${s.id}`,
          { time: s.exit.time, equity, pnl: s.exit.pnl, drawdownPct: 0, open: 0, mode: s.mode },
          STRATEGY_ID,
          s.id,
        );
      }
    });
  }
  await relayOutbox(db, redis, keys);
}
