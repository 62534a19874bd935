/**
 * Tickers through Redis with a short TTL. Concurrent requests for one symbol share one upstream call:
 * inside a process through a shared promise, across processes through a short Redis lock whose losers
 * wait for the winner's cached value. Redis trouble degrades to direct calls, never to errors.
 *
 * A process also keeps what it read until the moment the Redis entry expires (its PTTL, read with it),
 * so a warm ticker costs no round trip and is never older than Redis would have served it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis, RedisKeys } from '../redis.ts';
import { dec } from './decimal.ts';
import type { CandleQuery, MarketData, MarketInfo, Ticker } from './market-data.ts';
import type { Candle, Timeframe } from './types.ts';

export interface TickerCacheOptions {
  /** How long a ticker is served from the cache (default 2 s). */
  readonly ttlMs?: number;
  /** How long a process waits for another process' fetch before fetching itself (default 1 s). */
  readonly waitMs?: number;
}

export interface TickerCacheStats {
  hits: number;
  upstreamCalls: number;
}

const POLL_MS = 15;

/** A ticker as Redis holds it: the prices as plain decimal strings ("0.000012345678901234567"), never floats. */
type CachedTicker = Omit<Ticker, 'last' | 'bid' | 'ask'> & {
  readonly last: string;
  readonly bid?: string;
  readonly ask?: string;
};

export function serializeTicker(t: Ticker): string {
  const wire: CachedTicker = {
    ...t,
    last: t.last.toFixed(),
    bid: t.bid?.toFixed(),
    ask: t.ask?.toFixed(),
  };
  return JSON.stringify(wire);
}

/** The cached ticker back with exact prices (an entry a float-era process wrote, numbers, reads as well). */
export function parseTicker(raw: string): Ticker {
  const wire = JSON.parse(raw) as CachedTicker;
  return {
    ...wire,
    last: dec(wire.last),
    bid: wire.bid === undefined ? undefined : dec(wire.bid),
    ask: wire.ask === undefined ? undefined : dec(wire.ask),
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CachedMarketData implements MarketData {
  readonly exchangeId: string;
  readonly stats: TickerCacheStats = { hits: 0, upstreamCalls: 0 };
  private readonly inflight = new Map<string, Promise<Ticker>>();
  /** What this process read or fetched, until the Redis entry it came from expires (epoch ms). */
  private readonly near = new Map<string, { readonly ticker: Ticker; readonly until: number }>();
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly inner: MarketData,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    options: TickerCacheOptions = {},
  ) {
    this.exchangeId = inner.exchangeId;
    this.ttlMs = options.ttlMs ?? 2_000;
    this.waitMs = options.waitMs ?? 1_000;
  }

  markets(): Promise<readonly MarketInfo[]> {
    return this.inner.markets();
  }

  resolveMarket(input: string): Promise<MarketInfo> {
    return this.inner.resolveMarket(input);
  }

  candles(symbol: string, timeframe: Timeframe, query?: CandleQuery): Promise<readonly Candle[]> {
    return this.inner.candles(symbol, timeframe, query);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  ticker(symbol: string): Promise<Ticker> {
    const near = this.near.get(symbol);
    if (near) {
      if (near.until > Date.now()) {
        this.stats.hits++;
        return Promise.resolve(near.ticker);
      }
      this.near.delete(symbol);
    }
    const shared = this.inflight.get(symbol);
    if (shared) return shared;
    const p = this.load(symbol).finally(() => this.inflight.delete(symbol));
    this.inflight.set(symbol, p);
    return p;
  }

  private key(symbol: string): string {
    return this.keys.key('ticker', this.exchangeId, symbol);
  }

  private async cached(symbol: string): Promise<Ticker | undefined> {
    const key = this.key(symbol);
    const replies = await this.redis
      .pipeline()
      .get(key)
      .pttl(key)
      .exec()
      .catch(() => null);
    const [[, raw] = [], [, pttl] = []] = replies ?? [];
    if (typeof raw !== 'string') return undefined;
    const ticker = parseTicker(raw);
    // An entry without an expiry (-1) is not ours to keep; one that just expired (-2) is not kept either.
    if (typeof pttl === 'number' && pttl > 0) this.keep(symbol, ticker, Math.min(pttl, this.ttlMs));
    return ticker;
  }

  private keep(symbol: string, ticker: Ticker, forMs: number): void {
    this.near.set(symbol, { ticker, until: Date.now() + forMs });
  }

  private async load(symbol: string): Promise<Ticker> {
    const hit = await this.cached(symbol);
    if (hit) {
      this.stats.hits++;
      return hit;
    }
    const lockKey = `${this.key(symbol)}:lock`;
    const token = randomUUID();
    const won = await this.redis.set(lockKey, token, 'PX', this.waitMs, 'NX').catch(() => 'OK');
    if (won !== 'OK') {
      for (let waited = 0; waited < this.waitMs; waited += POLL_MS) {
        await sleep(POLL_MS);
        const value = await this.cached(symbol);
        if (value) {
          this.stats.hits++;
          return value;
        }
      }
    }
    try {
      this.stats.upstreamCalls++;
      const ticker = await this.inner.ticker(symbol);
      // Kept from before the SET, so this copy expires no later than the Redis entry.
      this.keep(symbol, ticker, this.ttlMs);
      await this.redis
        .set(this.key(symbol), serializeTicker(ticker), 'PX', this.ttlMs)
        .catch(() => undefined);
      return ticker;
    } finally {
      if (won === 'OK') await this.redis.del(lockKey).catch(() => undefined);
    }
  }
}
