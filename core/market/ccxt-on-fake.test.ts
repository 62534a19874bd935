/** The real ccxt Kraken and Binance classes against the local wire-format fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDialect, type FakeExchange, startFakeExchange } from '../../test/fakes/exchange/server.ts';
import { type AppError, isAppError } from '../errors.ts';
import { isUncertain } from './ccxt-errors.ts';
import { CcxtMarketData } from './ccxt-market.ts';
import { describeMarketDataConformance } from './conformance.ts';

const QUOTE: Record<FakeDialect, string> = { kraken: 'USD', binance: 'USDT' };

async function onFake(dialect: FakeDialect) {
  const fake = await startFakeExchange(dialect);
  const market = new CcxtMarketData(dialect, { apiBase: fake.url, throttle: false, timeoutMs: 400 });
  return {
    fake,
    market,
    btcQuote: QUOTE[dialect],
    close: async () => {
      await market.close();
      await fake.close();
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

for (const dialect of ['kraken', 'binance'] as const) {
  describeMarketDataConformance(`ccxt ${dialect} on the fake`, () => onFake(dialect));

  describe(`ccxt ${dialect} on the fake: failures`, () => {
    let fake: FakeExchange;
    let market: CcxtMarketData;
    let close: () => Promise<void>;
    const symbol = `BTC/${QUOTE[dialect]}`;
    beforeAll(async () => {
      ({ fake, market, close } = await onFake(dialect));
      await market.markets();
    });
    afterAll(() => close());

    it('maps an HTTP 500 to a retryable ERR_EXCHANGE_UNAVAILABLE', async () => {
      fake.state.inject('ticker', { kind: 'http500' });
      const err = await failure(market.ticker(symbol));
      expect(err.code).toBe('ERR_EXCHANGE_UNAVAILABLE');
      expect(err.retryable).toBe(true);
      expect((await market.ticker(symbol)).last.gt(0)).toBe(true);
    });

    it('maps a timeout to a retryable, uncertain error', async () => {
      fake.state.inject('ohlcv', { kind: 'hang', holdMs: 1_500 });
      const err = await failure(market.candles(symbol, '1h', { limit: 5 }));
      expect(err.code).toBe('ERR_EXCHANGE_UNAVAILABLE');
      expect(err.details.ccxtError).toBe('RequestTimeout');
      expect(isUncertain(err)).toBe(true);
    });

    it('maps a rate-limit answer to ERR_EXCHANGE_RATE_LIMITED (retryable, certainly not executed)', async () => {
      const faults = dialect === 'binance' ? ([429, 418] as const) : ([undefined] as const);
      for (const status of faults) {
        fake.state.inject('ticker', { kind: 'rate-limit', status });
        const err = await failure(market.ticker(symbol));
        expect(err.code).toBe('ERR_EXCHANGE_RATE_LIMITED');
        expect(err.retryable).toBe(true);
        expect(isUncertain(err)).toBe(false);
      }
    });

    it('loads markets again after a failed load', async () => {
      const fresh = new CcxtMarketData(dialect, { apiBase: fake.url, throttle: false, timeoutMs: 400 });
      fake.state.inject('markets', { kind: 'http500' });
      expect((await failure(fresh.markets())).code).toBe('ERR_EXCHANGE_UNAVAILABLE');
      expect((await fresh.markets()).length).toBe(3);
      await fresh.close();
    });
  });
}
