/** generate_chart: renders a PNG the core attaches to the reply; the model only learns it is attached. */
import { z } from 'zod';
import { image } from '../reply.ts';
import { overlayArg, paneArg, symbolArg, timeframeArg } from './args.ts';
import { need } from './need.ts';
import { defineTool } from './tool.ts';

export const generateChart = defineTool({
  name: 'generate_chart',
  description:
    'Draws a candlestick chart PNG of a market (optionally with EMA/SMA/Bollinger/VWAP overlays and RSI/MACD panes) and attaches it to your reply.',
  args: z
    .object({
      symbol: symbolArg,
      timeframe: timeframeArg.default('1h'),
      candles: z.number().int().min(20).max(500).default(120).describe('How many candles to draw'),
      overlays: z.array(overlayArg).max(4).default([]),
      panes: z.array(paneArg).max(2).default([]),
      volume: z.boolean().default(true),
    })
    .strict(),
  async run(args, ctx) {
    const market = need(ctx.services, 'market');
    const charts = need(ctx.services, 'charts');
    const symbol = await market.resolveSymbol(args.symbol);
    const candles = await market.candles(symbol, args.timeframe, args.candles);
    const { png, alt } = await charts.candlestick({
      symbol,
      timeframe: args.timeframe,
      exchange: market.exchange,
      candles,
      overlays: args.overlays,
      panes: args.panes,
      volume: args.volume,
      paper: false,
    });
    const filename = `${symbol.replace('/', '-')}-${args.timeframe}.png`;
    ctx.artifacts.images.push(
      image(png, alt, filename, `${symbol} · ${args.timeframe} · ${market.exchange}`),
    );
    return { attached: true, symbol, timeframe: args.timeframe, candles: candles.length, alt };
  },
});
