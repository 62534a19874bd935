/** Alt text: what a screen-reader user (or a search over chat history) needs to know about a chart. */

import { lastValue } from '../core/market/indicators/series.ts';
import { formatPercent, formatPrice, formatUtcRange } from './format.ts';
import type { OverlayStudy, PaneStudy } from './studies.ts';
import type { CandlestickRequest } from './types.ts';

export function candleAlt(
  req: CandlestickRequest,
  overlays: readonly OverlayStudy[],
  panes: readonly PaneStudy[],
): string {
  const { candles, title } = req;
  const first = candles[0]!;
  const last = candles[candles.length - 1]!;
  const ref = last.c;
  const low = Math.min(...candles.map((c) => c.l));
  const high = Math.max(...candles.map((c) => c.h));
  const change = ((last.c - first.o) / first.o) * 100;
  const parts = [
    `${req.paper ? 'Paper-trading candlestick' : 'Candlestick'} chart of ${title.pair} on ${title.exchange}, ` +
      `${candles.length} ${title.timeframe} candles, ${formatUtcRange(first.t, last.t)}.`,
    `Last price ${formatPrice(last.c, ref)} (${formatPercent(change)} over the period), ` +
      `range ${formatPrice(low, ref)} to ${formatPrice(high, ref)}.`,
  ];
  const studies = [
    ...overlays.map((o) => (o.last === null ? o.label : `${o.label} at ${formatPrice(o.last, ref)}`)),
    ...panes.map((p) =>
      p.kind === 'rsi'
        ? `${p.label} at ${lastValue(p.values)?.toFixed(1) ?? 'n/a'}`
        : `${p.label} histogram ${formatPrice(lastValue(p.lines.histogram) ?? 0, ref)}`,
    ),
  ];
  if (studies.length) parts.push(`Indicators: ${studies.join(', ')}.`);
  const levels = req.levels;
  if (levels) {
    const named = [
      levels.entry !== undefined ? `entry ${formatPrice(levels.entry, ref)}` : '',
      levels.stop !== undefined ? `stop-loss ${formatPrice(levels.stop, ref)}` : '',
      levels.takeProfit !== undefined ? `take-profit ${formatPrice(levels.takeProfit, ref)}` : '',
    ].filter(Boolean);
    if (named.length) parts.push(`Signal levels: ${named.join(', ')}.`);
  }
  if (req.avgEntry !== undefined) parts.push(`Your average entry ${formatPrice(req.avgEntry, ref)}.`);
  if (req.fills?.length) {
    const buys = req.fills.filter((f) => f.side === 'buy').length;
    parts.push(`Your fills: ${buys} buy, ${req.fills.length - buys} sell.`);
  }
  return parts.join(' ');
}
