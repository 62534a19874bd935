/** GET /v1/candles: OHLCV for charts, through the shared candle cache (never a call per viewer). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from '../../core/errors.ts';
import type { MarketData } from '../../core/market/market-data.ts';
import { TIMEFRAMES } from '../../core/market/types.ts';
import { CANDLE_WINDOW, type CandleCache } from '../candle-cache.ts';
import { compressedJson } from '../content-coding.ts';
import { badParameter } from '../errors.ts';
import { commonErrors } from '../schemas/errors.ts';
import { intParam, pairParam } from '../schemas/params.ts';

const candleOut = z.object({
  t: z.number().int().describe('Open time, epoch ms (UTC).'),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
});

const candlesOut = z
  .object({
    exchange: z.string(),
    pair: z.string(),
    timeframe: z.enum(TIMEFRAMES),
    candles: z.array(candleOut).describe('Oldest first; the last one may still be forming.'),
  })
  .meta({
    example: {
      exchange: 'kraken',
      pair: 'BTC/USD',
      timeframe: '5m',
      candles: [{ t: 1673481000000, o: 17920.1, h: 17950.3, l: 17915, c: 17944.2, v: 12.4 }],
    },
  });

export function candleRoutes(market: MarketData, cache: CandleCache): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onSend', compressedJson());
    app.get(
      '/v1/candles',
      {
        schema: {
          tags: ['market'],
          summary: 'Candles of a market for charts (cached, shared by all viewers)',
          querystring: z.strictObject({
            pair: pairParam.meta({ example: 'BTC/USDT' }),
            timeframe: z
              .enum(TIMEFRAMES, { error: `must be one of ${TIMEFRAMES.join(', ')}` })
              .default('5m')
              .meta({ description: 'Candle length (default 5m).' }),
            limit: intParam(
              1,
              CANDLE_WINDOW,
              `Most recent candles, 1–${CANDLE_WINDOW} (default 200).`,
            ).default(200),
          }),
          response: { 200: candlesOut, ...commonErrors },
        },
      },
      async (request) => {
        const { pair, timeframe, limit } = request.query;
        let symbol: string;
        try {
          symbol = (await market.resolveMarket(pair)).symbol;
        } catch (err) {
          if (isAppError(err, 'ERR_UNKNOWN_SYMBOL'))
            throw badParameter('pair', `${pair} is not listed on ${market.exchangeId}`);
          throw err;
        }
        const candles = await cache.candles(symbol, timeframe, limit);
        return { exchange: market.exchangeId, pair: symbol, timeframe, candles: [...candles] };
      },
    );
  };
}
