/**
 * The behaviour every MarketData implementation owes its callers, as one suite each implementation's
 * test file runs (sim, ccxt Kraken on the fake, ccxt Binance on the fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { dec } from './decimal.ts';
import type { MarketData } from './market-data.ts';
import { type Timeframe, timeframeMs } from './types.ts';

export interface ConformanceSubject {
  readonly market: MarketData;
  /** The quote "btc" must resolve to on this venue. */
  readonly btcQuote: string;
  close(): Promise<void>;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(err) ? err.code : err).toBe(code);
}

export function describeMarketDataConformance(name: string, setup: () => Promise<ConformanceSubject>): void {
  describe(`MarketData conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    let market: MarketData;
    beforeAll(async () => {
      subject = await setup();
      market = subject.market;
    });
    afterAll(() => subject.close());

    it('lists markets with positive steps and limits as plain decimal strings', async () => {
      const markets = await market.markets();
      expect(markets.length).toBeGreaterThanOrEqual(2);
      for (const m of markets) {
        expect(m.symbol).toBe(`${m.base}/${m.quote}`);
        for (const value of [m.amountStep, m.priceStep, m.minAmount, m.minCost].filter(
          (v) => v !== undefined,
        )) {
          expect(value).toMatch(/^\d+(\.\d+)?$/);
          expect(dec(value!).gt(0)).toBe(true);
        }
      }
    });

    it('resolves what people type to the listed market, preferring the usual quote', async () => {
      const q = subject.btcQuote;
      for (const input of [
        'btc',
        'BTC',
        ' Btc ',
        `btc/${q}`,
        `BTC-${q}`,
        `btc${q.toLowerCase()}`,
        `XBT/${q}`,
      ]) {
        expect((await market.resolveMarket(input)).symbol, input).toBe(`BTC/${q}`);
      }
      expect((await market.resolveMarket('eth')).symbol).toBe(`ETH/${q}`);
    });

    it('rejects unknown and malformed symbols with ERR_UNKNOWN_SYMBOL', async () => {
      for (const input of ['NOPE', 'BTC/NOPE', '', '../etc/passwd', 'x'.repeat(200), 'btc usdt eth', '💥']) {
        await expectCode(market.resolveMarket(input), 'ERR_UNKNOWN_SYMBOL');
      }
      await expectCode(market.ticker('NOPE/USDT'), 'ERR_UNKNOWN_SYMBOL');
      await expectCode(market.candles('NOPE/USDT', '1h'), 'ERR_UNKNOWN_SYMBOL');
    });

    it('quotes a ticker with a positive price, bid ≤ last ≤ ask', async () => {
      const { symbol } = await market.resolveMarket('btc');
      const t = await market.ticker(symbol);
      expect(t.symbol).toBe(symbol);
      expect(t.last.gt(0)).toBe(true);
      expect(t.bid!.lte(t.last)).toBe(true);
      expect(t.ask!.gte(t.last)).toBe(true);
      expect(t.at).toBeGreaterThan(0);
    });

    for (const tf of ['1m', '5m', '1h', '1d'] as Timeframe[]) {
      it(`serves ${tf} candles: ascending, aligned, valid OHLC, at most the limit`, async () => {
        const { symbol } = await market.resolveMarket('eth');
        const candles = await market.candles(symbol, tf, { limit: 50 });
        expect(candles.length).toBeGreaterThan(0);
        expect(candles.length).toBeLessThanOrEqual(50);
        candles.forEach((c, i) => {
          expect(c.t % timeframeMs(tf)).toBe(0);
          if (i > 0) expect(c.t).toBe(candles[i - 1]!.t + timeframeMs(tf));
          expect(c.l).toBeLessThanOrEqual(Math.min(c.o, c.c));
          expect(c.h).toBeGreaterThanOrEqual(Math.max(c.o, c.c));
          expect(c.l).toBeGreaterThan(0);
          expect(c.v).toBeGreaterThanOrEqual(0);
        });
      });
    }

    it('serves candles from a given start', async () => {
      const { symbol } = await market.resolveMarket('btc');
      const latest = await market.candles(symbol, '1h', { limit: 10 });
      const since = latest[2]!.t;
      const range = await market.candles(symbol, '1h', { since, limit: 3 });
      expect(range.map((c) => c.t)).toEqual([since, since + 3_600_000, since + 7_200_000]);
    });
  });
}
