/**
 * Cache identity of a request. For candles: pair, timeframe, exchange, indicators, theme, size, paper
 * flag, levels, fills and average entry, and the last candle (time plus close and volume, because an open candle keeps
 * its time while its price moves). Earlier candles are identified by count and first time: a closed
 * candle never changes for a given exchange, pair and timeframe.
 */
import { createHash } from 'node:crypto';
import { type ChartRequest, DEFAULT_SIZE } from './types.ts';

export function cacheKey(req: ChartRequest): string {
  const size = req.size ?? DEFAULT_SIZE;
  const common = [
    req.kind,
    req.theme ?? 'dark',
    `${size.width}x${size.height}`,
    req.paper ? 'paper' : 'live',
  ];
  switch (req.kind) {
    case 'candlestick': {
      const first = req.candles[0];
      const last = req.candles[req.candles.length - 1];
      return JSON.stringify([
        ...common,
        req.title.exchange,
        req.title.pair,
        req.title.timeframe,
        req.volume !== false,
        req.overlays ?? [],
        req.panes ?? [],
        req.levels ?? null,
        req.fills ?? [],
        req.avgEntry ?? null,
        req.candles.length,
        first?.t,
        last ? [last.t, last.o, last.h, last.l, last.c, last.v] : null,
      ]);
    }
    case 'equity':
    case 'allocation':
      // Small inputs without a natural version: hash the content.
      return JSON.stringify([...common, createHash('sha1').update(JSON.stringify(req)).digest('base64url')]);
  }
}
