/**
 * Tickers through Redis: many concurrent callers, in one process or several, cost one exchange call; the
 * round trip keeps the venue's prices digit for digit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeExchange, startFakeExchange } from '../../test/fakes/exchange/server.ts';
import { defaultMarkets } from '../../test/fakes/exchange/state.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { createRedis } from '../redis.ts';
import { CcxtMarketData } from './ccxt-market.ts';
import { CachedMarketData } from './ticker-cache.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MICRO = '0.000012345678901234567';

describe('ticker cache', () => {
  let ctx: TestContext;
  let fake: FakeExchange;
  let upstream: CcxtMarketData;
  beforeAll(async () => {
    ctx = await createTestContext('ticker-cache');
    // A token quoted to 21 decimals, beyond what a double holds.
    const micro = {
      base: 'PEPE',
      quote: 'USDT',
      amountDecimals: 0,
      priceDecimals: 21,
      minAmount: '1',
      minCost: '5',
    };
    fake = await startFakeExchange('binance', {
      markets: [
        ...defaultMarkets('USDT'),
        { ...micro, price: MICRO },
        {
          base: 'XRP',
          quote: 'USDT',
          price: '0.6',
          amountDecimals: 1,
          priceDecimals: 4,
          minAmount: '1',
          minCost: '5',
        },
      ],
    });
    upstream = new CcxtMarketData('binance', { apiBase: fake.url, throttle: false });
    await upstream.markets();
  });
  afterAll(async () => {
    await upstream.close();
    await fake.close();
    await ctx.close();
  });

  it('serves 1,000 concurrent callers with one exchange call', async () => {
    const cache = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 });
    const before = fake.state.requests.ticker;
    const tickers = await Promise.all(Array.from({ length: 1000 }, () => cache.ticker('BTC/USDT')));
    expect(fake.state.requests.ticker - before).toBe(1);
    expect(new Set(tickers.map((t) => t.last.toFixed()))).toEqual(new Set(['65000']));
    expect(cache.stats.upstreamCalls).toBe(1);
  });

  it('shares one call across processes through the Redis lock', async () => {
    // Two caches with their own in-process maps stand for two processes.
    const a = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 });
    const b = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 });
    const before = fake.state.requests.ticker;
    const all = await Promise.all([
      ...Array.from({ length: 50 }, () => a.ticker('ETH/USDT')),
      ...Array.from({ length: 50 }, () => b.ticker('ETH/USDT')),
    ]);
    expect(fake.state.requests.ticker - before).toBe(1);
    expect(all.every((t) => t.symbol === 'ETH/USDT')).toBe(true);
  });

  it('asks the exchange again once the cached ticker expired', async () => {
    const cache = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 800 });
    await cache.ticker('SOL/USDT');
    fake.state.setPrice('SOL', 'USDT', '151');
    expect((await cache.ticker('SOL/USDT')).last.toFixed()).toBe('150');
    await sleep(850);
    expect((await cache.ticker('SOL/USDT')).last.toFixed()).toBe('151');
    fake.state.setPrice('SOL', 'USDT', '150');
  });

  it('keeps what another process cached no longer than Redis does', async () => {
    const fetcher = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 1_000 });
    const reader = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 1_000 });
    await fetcher.ticker('XRP/USDT');
    await sleep(300);
    const before = fake.state.requests.ticker;
    await reader.ticker('XRP/USDT'); // from Redis, which has about 700 ms left
    expect(fake.state.requests.ticker).toBe(before);
    fake.state.setPrice('XRP', 'USDT', '0.61');
    await sleep(800); // past the Redis entry's expiry, short of the reader's own TTL
    expect((await reader.ticker('XRP/USDT')).last.toFixed()).toBe('0.61');
  });

  it('still answers when Redis is unreachable', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', name: 'dead', failFast: true });
    dead.on('error', () => undefined);
    const cache = new CachedMarketData(upstream, dead, ctx.keys, { ttlMs: 60_000 });
    expect((await cache.ticker('BTC/USDT')).symbol).toBe('BTC/USDT');
    dead.disconnect();
  });

  it('passes exchange errors through typed, and caches nothing', async () => {
    const cache = new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 });
    await ctx.redis.del(ctx.keys.key('ticker', 'binance', 'BTC/USDT'));
    fake.state.inject('ticker', { kind: 'http500' });
    await expect(cache.ticker('BTC/USDT')).rejects.toMatchObject({ code: 'ERR_EXCHANGE_UNAVAILABLE' });
    expect((await cache.ticker('BTC/USDT')).last.toFixed()).toBe('65000');
  });

  for (const [symbol, base, last] of [
    ['PEPE/USDT', 'PEPE', MICRO],
    ['ETH/USDT', 'ETH', '3212.47'],
  ] as const) {
    it(`keeps ${symbol} at exactly ${last} through Redis: strings there, the same Decimals back`, async () => {
      fake.state.setPrice(base, 'USDT', last);
      await ctx.redis.del(ctx.keys.key('ticker', 'binance', symbol));
      const fresh = await new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 }).ticker(
        symbol,
      );
      expect(fresh.last.toFixed()).toBe(last);
      const raw = JSON.parse((await ctx.redis.get(ctx.keys.key('ticker', 'binance', symbol)))!);
      expect([raw.last, typeof raw.bid, typeof raw.ask]).toEqual([last, 'string', 'string']);

      const before = fake.state.requests.ticker;
      const hit = await new CachedMarketData(upstream, ctx.redis, ctx.keys, { ttlMs: 60_000 }).ticker(symbol);
      expect(fake.state.requests.ticker).toBe(before); // served from Redis
      expect([hit.last, hit.bid, hit.ask].map((d) => d!.toFixed())).toEqual(
        [fresh.last, fresh.bid, fresh.ask].map((d) => d!.toFixed()),
      );
      expect(hit.bid!.lt(hit.last) && hit.ask!.gt(hit.last)).toBe(true);
    });
  }
});
