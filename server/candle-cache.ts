/**
 * Candles for the dashboard's charts, shared by every viewer: one upstream call per (market, timeframe)
 * per TTL across all API processes (Redis holds the latest window, a short lock elects the process
 * that fetches), and one in flight per process. Each request slices the window it wants.
 */
import { randomUUID } from 'node:crypto';
import type { MarketData } from '../core/market/market-data.ts';
import type { Candle, Timeframe } from '../core/market/types.ts';
import { candleUpstreamCalls } from '../core/metrics.ts';
import type { Redis, RedisKeys } from '../core/redis.ts';

/** Candles kept per (market, timeframe): the most any request may ask for. */
export const CANDLE_WINDOW = 500;
const TTL_MS = 5_000;
const LOCK_MS = 3_000;
const POLL_MS = 25;

export class CandleCache {
  private readonly inflight = new Map<string, Promise<readonly Candle[]>>();

  constructor(
    private readonly market: MarketData,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async candles(symbol: string, timeframe: Timeframe, limit: number): Promise<readonly Candle[]> {
    const id = `${symbol}|${timeframe}`;
    let window = this.inflight.get(id);
    if (!window) {
      window = this.load(symbol, timeframe).finally(() => this.inflight.delete(id));
      this.inflight.set(id, window);
    }
    return (await window).slice(-limit);
  }

  private key(symbol: string, timeframe: Timeframe): string {
    return this.keys.key('candles', this.market.exchangeId, symbol, timeframe);
  }

  private async cached(key: string): Promise<readonly Candle[] | undefined> {
    const raw = await this.redis.get(key).catch(() => null);
    return raw ? (JSON.parse(raw) as Candle[]) : undefined;
  }

  private async load(symbol: string, timeframe: Timeframe): Promise<readonly Candle[]> {
    const key = this.key(symbol, timeframe);
    const hit = await this.cached(key);
    if (hit) return hit;
    const won = await this.redis.set(`${key}:lock`, randomUUID(), 'PX', LOCK_MS, 'NX').catch(() => 'OK');
    if (won !== 'OK') {
      for (let waited = 0; waited < LOCK_MS; waited += POLL_MS) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        const value = await this.cached(key);
        if (value) return value;
      }
    }
    try {
      candleUpstreamCalls.inc();
      const candles = await this.market.candles(symbol, timeframe, { limit: CANDLE_WINDOW });
      await this.redis.set(key, JSON.stringify(candles), 'PX', TTL_MS).catch(() => undefined);
      return candles;
    } finally {
      if (won === 'OK') await this.redis.del(`${key}:lock`).catch(() => undefined);
    }
  }
}
