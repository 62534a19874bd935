import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeMarketDataConformance } from './conformance.ts';
import { SimMarketData } from './sim/sim-market.ts';
import { TIMEFRAMES, timeframeMs } from './types.ts';

describeMarketDataConformance('sim', async () => ({
  market: new SimMarketData({ seed: 7 }),
  btcQuote: 'USDT',
  close: async () => undefined,
}));

const FROZEN = Date.UTC(2026, 5, 1, 12, 34, 56);

describe('sim market', () => {
  it('is deterministic: the same seed and clock give the same prices and candles', async () => {
    const a = new SimMarketData({ seed: 3, clock: () => FROZEN });
    const b = new SimMarketData({ seed: 3, clock: () => FROZEN });
    expect(await a.ticker('ETH/USDT')).toEqual(await b.ticker('ETH/USDT'));
    expect(await a.candles('SOL/USDT', '5m', { limit: 100 })).toEqual(
      await b.candles('SOL/USDT', '5m', { limit: 100 }),
    );
  });

  it('gives different seeds different markets', async () => {
    const a = new SimMarketData({ seed: 1, clock: () => FROZEN });
    const b = new SimMarketData({ seed: 2, clock: () => FROZEN });
    expect((await a.ticker('BTC/USDT')).last.toFixed()).not.toBe((await b.ticker('BTC/USDT')).last.toFixed());
  });

  it('moves like a market: intraday 5m returns with a realistic daily volatility', async () => {
    const m = new SimMarketData({ seed: 11, clock: () => FROZEN });
    const candles = await m.candles('BTC/USDT', '5m', { limit: 1000 });
    const returns = candles.slice(1).map((c, i) => Math.log(c.c / candles[i]!.c));
    const daily = Math.sqrt(returns.reduce((s, r) => s + r * r, 0) / returns.length) * Math.sqrt(288);
    expect(daily).toBeGreaterThan(0.01);
    expect(daily).toBeLessThan(0.1);
    expect(new Set(candles.map((c) => c.c)).size).toBeGreaterThan(900);
  });

  it('only ever produces valid OHLC, at any time and timeframe', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...TIMEFRAMES),
        fc.constantFrom('BTC/USDT', 'ETH/USDT', 'XRP/USDT', 'DOGE/USDT'),
        fc.integer({ min: 0, max: 1000 }),
        async (now, tf, symbol, seed) => {
          const m = new SimMarketData({ seed, clock: () => now });
          const candles = await m.candles(symbol, tf, { limit: 5 });
          expect(candles).toHaveLength(5);
          for (const c of candles) {
            expect(c.t % timeframeMs(tf)).toBe(0);
            expect(c.l).toBeGreaterThan(0);
            expect(c.l).toBeLessThanOrEqual(Math.min(c.o, c.c));
            expect(c.h).toBeGreaterThanOrEqual(Math.max(c.o, c.c));
          }
          // The forming candle closes at the current price.
          expect(candles.at(-1)!.c).toBe((await m.ticker(symbol)).last.toNumber());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs simulated time faster than the wall clock when accelerated', async () => {
    const start = Date.UTC(2026, 11, 1, 20);
    let wall = start + 60_000;
    const fast = new SimMarketData({ seed: 5, speed: 60, clock: () => wall, start, leadMs: 24 * 3_600_000 });
    const before = fast.now();
    wall += 60_000;
    expect(fast.now() - before).toBe(3_600_000);
    expect((await fast.candles('BTC/USDT', '1h', { limit: 1 }))[0]!.t).toBe(
      Math.floor(fast.now() / 3_600_000) * 3_600_000,
    );
  });

  it('accelerated time starts behind the wall clock, catches up, then runs in real time: never in the future', () => {
    const start = Date.UTC(2026, 11, 1, 20);
    const lead = 24 * 3_600_000;
    let wall = start;
    const sim = new SimMarketData({ seed: 5, speed: 120, clock: () => wall, start, leadMs: lead });
    // At the start: a day behind. Catch-up takes lead / (speed − 1) = 24 h / 119 ≈ 12.1 min of wall time.
    expect(sim.now()).toBe(start - lead);
    wall = start + 6 * 60_000; // 6 min × 120 = 12 h of sim time
    expect(sim.now()).toBe(start - lead + 12 * 3_600_000);
    for (const minutes of [12, 12.2, 13, 60, 60 * 24 * 30]) {
      wall = start + minutes * 60_000;
      expect(sim.now()).toBeLessThanOrEqual(wall);
    }
    wall = start + 13 * 60_000;
    expect(sim.now()).toBe(wall); // caught up: real time from here on
    const candles = sim.candles('BTC/USDT', '5m', { limit: 1 });
    return candles.then((c) => expect(c[0]!.t).toBeLessThanOrEqual(wall));
  });
});
