import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { MarketInfo } from './market-data.ts';
import { pickMarket } from './symbols.ts';

const market = (base: string, quote: string, active = true): MarketInfo => ({
  symbol: `${base}/${quote}`,
  base,
  quote,
  active,
  amountStep: '0.0001',
  priceStep: '0.01',
});

const krakenLike = [market('BTC', 'USD'), market('BTC', 'EUR'), market('ETH', 'USD'), market('DOGE', 'USD')];
const binanceLike = [
  market('BTC', 'USDC'),
  market('BTC', 'USDT'),
  market('ETH', 'BTC'),
  market('ETH', 'USDT'),
  market('LUNA', 'USDT', false),
];

describe('symbol normalisation', () => {
  it.each([
    ['btc', binanceLike, 'BTC/USDT'],
    ['btc', krakenLike, 'BTC/USD'],
    ['XBT', krakenLike, 'BTC/USD'],
    ['xbtusd', krakenLike, 'BTC/USD'],
    ['XDG', krakenLike, 'DOGE/USD'],
    ['btc/eur', krakenLike, 'BTC/EUR'],
    ['BTCUSDC', binanceLike, 'BTC/USDC'],
    ['eth_btc', binanceLike, 'ETH/BTC'],
    ['eth', binanceLike, 'ETH/USDT'],
  ])('"%s" → %s', (input, markets, expected) => {
    expect(pickMarket(markets as MarketInfo[], input as string).symbol).toBe(expected);
  });

  it.each(['luna', 'btc/gbp', 'doge', '', 'a/b/c', 'btc;drop table'])(
    'rejects "%s" with ERR_UNKNOWN_SYMBOL',
    (input) => {
      let err: unknown;
      try {
        pickMarket(binanceLike, input);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err, 'ERR_UNKNOWN_SYMBOL')).toBe(true);
    },
  );
});
