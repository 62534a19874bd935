/** get_price and get_candles: read-only market data, compact for the model. */
import { z } from 'zod';
import { bollinger, ema, lastValue, macd, rsi, sma, vwap } from '../../market/indicators/series.ts';
import type { Candle } from '../../market/types.ts';
import { compact } from '../present/numbers.ts';
import { indicatorArg, symbolArg, timeframeArg } from './args.ts';
import { need } from './need.ts';
import { defineTool } from './tool.ts';

export const getPrice = defineTool({
  name: 'get_price',
  description: 'Current price of one market: last, bid, ask, 24h change/high/low. Call once per market.',
  args: z.object({ symbol: symbolArg }).strict(),
  async run({ symbol }, ctx) {
    const market = need(ctx.services, 'market');
    return market.price(await market.resolveSymbol(symbol));
  },
  forModel: (t) => ({
    symbol: t.symbol,
    exchange: t.exchange,
    last: compact(t.last),
    ...(t.bid === undefined ? {} : { bid: compact(t.bid) }),
    ...(t.ask === undefined ? {} : { ask: compact(t.ask) }),
    ...(t.change24hPct === undefined ? {} : { change24hPct: Number(t.change24hPct.toFixed(2)) }),
    ...(t.high24h === undefined ? {} : { high24h: compact(t.high24h) }),
    ...(t.low24h === undefined ? {} : { low24h: compact(t.low24h) }),
    at: new Date(t.at).toISOString(),
  }),
});

type Indicator = z.infer<typeof indicatorArg>;

/** Latest value of each requested indicator over the candles' closes. */
export function indicatorValues(
  candles: readonly Candle[],
  indicators: readonly Indicator[],
): Record<string, unknown> {
  const closes = candles.map((c) => c.c);
  const last = (s: (number | null)[]) => {
    const v = lastValue(s);
    return v === null ? null : compact(v);
  };
  const out: Record<string, unknown> = {};
  for (const ind of indicators) {
    switch (ind.kind) {
      case 'ema':
      case 'sma':
        out[`${ind.kind}${ind.period}`] = last((ind.kind === 'ema' ? ema : sma)(closes, ind.period));
        break;
      case 'rsi':
        out[`rsi${ind.period ?? 14}`] = last(rsi(closes, ind.period ?? 14));
        break;
      case 'macd': {
        const m = macd(closes);
        out.macd = { macd: last(m.macd), signal: last(m.signal), histogram: last(m.histogram) };
        break;
      }
      case 'bollinger': {
        const b = bollinger(closes);
        out.bollinger20 = { upper: last(b.upper), middle: last(b.middle), lower: last(b.lower) };
        break;
      }
      case 'vwap':
        out.vwap = last(vwap(candles));
        break;
    }
  }
  return out;
}

export const getCandles = defineTool({
  name: 'get_candles',
  description:
    'Recent OHLCV candles of a market with optional indicator values (latest value of each). Candles are [openTime ISO, open, high, low, close, volume], oldest first.',
  args: z
    .object({
      symbol: symbolArg,
      timeframe: timeframeArg.default('1h'),
      limit: z.number().int().min(1).max(200).default(48).describe('How many candles (1-200)'),
      indicators: z.array(indicatorArg).max(6).default([]),
    })
    .strict(),
  async run({ symbol, timeframe, limit, indicators }, ctx) {
    const market = need(ctx.services, 'market');
    const resolved = await market.resolveSymbol(symbol);
    // Indicators need history before the window the model sees.
    const candles = await market.candles(resolved, timeframe, Math.min(1000, limit + 200));
    const shown = candles.slice(-limit);
    const first = shown[0];
    const lastCandle = shown.at(-1);
    return {
      symbol: resolved,
      timeframe,
      candles: shown.map((c) => [
        new Date(c.t).toISOString(),
        compact(c.o),
        compact(c.h),
        compact(c.l),
        compact(c.c),
        compact(c.v),
      ]),
      ...(first && lastCandle
        ? { changePct: Number((((lastCandle.c - first.o) / first.o) * 100).toFixed(2)) }
        : {}),
      indicators: indicatorValues(candles, indicators),
    };
  },
});
