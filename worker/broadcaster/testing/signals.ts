/** Signals for broadcaster tests, appended with the signal engine's own stream function. */
import type { BroadcastSignal, SignalStatus } from '../../../core/broadcast/signal-entry.ts';
import type { Redis, RedisKeys } from '../../../core/redis.ts';
import { appendEntry } from '../../../core/signals/streams.ts';
import { signalId } from '../../../core/signals/types.ts';

const BASE_TIME = Date.UTC(2026, 10, 30, 12, 0, 0);

export function makeSignal(i: number, pair: string, over: Partial<BroadcastSignal> = {}): BroadcastSignal {
  const candleTime = BASE_TIME + i * 5 * 60_000;
  const side = i % 3 === 0 ? 'short' : 'long';
  const entry = 100 + i;
  const risk = 0.5;
  return {
    id: signalId(pair, candleTime),
    strategy: 'bar_reaction_5m',
    exchange: 'sim',
    pair,
    timeframe: '5m',
    mode: 'paper',
    side,
    entry,
    stopLoss: side === 'long' ? entry - risk : entry + risk,
    takeProfit1: side === 'long' ? entry + risk : entry - risk,
    takeProfit: side === 'long' ? entry + 2 * risk : entry - 2 * risk,
    confidence: 0.5 + (i % 5) / 10,
    reason: `5m bar +${12 + (i % 7)}.0 bps, ATR 0.30% of price`,
    candleTime,
    time: new Date(candleTime + 5 * 60_000).toISOString(),
    status: 'open',
    exit: null,
    ...over,
  };
}

export function closed(signal: BroadcastSignal, status: Exclude<SignalStatus, 'open'>): BroadcastSignal {
  const r = status === 'target' ? 2 : status === 'stop' ? -1 : 0.3;
  const price =
    status === 'target' ? signal.takeProfit : status === 'stop' ? signal.stopLoss : signal.entry + 0.15;
  return {
    ...signal,
    status,
    exit: {
      price,
      time: new Date(Date.parse(signal.time) + 30 * 60_000).toISOString(),
      reason: status,
      r,
      pnl: r * 10,
      pnlPct: r * 0.5,
    },
  };
}

export async function appendSignal(
  redis: Redis,
  keys: RedisKeys,
  type: 'signal' | 'lifecycle',
  signal: BroadcastSignal,
): Promise<string> {
  return appendEntry(redis, keys, signal.mode === 'live' ? 'signals:live' : 'signals:paper', {
    type,
    data: signal,
  });
}

/**
 * Signals `from` … `from + n − 1` (BTC and ETH in turn), each even one closed right after it (target
 * and stop in turn), appended to the stream and to `appended` in that order.
 */
export async function appendMixed(
  redis: Redis,
  keys: RedisKeys,
  appended: { type: 'signal' | 'lifecycle'; signal: BroadcastSignal }[],
  from: number,
  n: number,
): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const s = makeSignal(i, i % 2 ? 'ETH/USDT' : 'BTC/USDT');
    await appendSignal(redis, keys, 'signal', s);
    appended.push({ type: 'signal', signal: s });
    if (i % 2 === 0) {
      const c = closed(s, i % 4 ? 'stop' : 'target');
      await appendSignal(redis, keys, 'lifecycle', c);
      appended.push({ type: 'lifecycle', signal: c });
    }
  }
}
