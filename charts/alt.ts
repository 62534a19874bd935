/** Alt text: what a screen-reader user (or a search over chat history) needs to know about a chart. */

import { formatChartPrice, formatPercent } from '../core/format/numbers.ts';
import { lastValue } from '../core/market/indicators/series.ts';
import { formatUtcRange } from './format.ts';
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
    `Last price ${formatChartPrice(last.c, ref)} (${formatPercent(change)} over the period), ` +
      `range ${formatChartPrice(low, ref)} to ${formatChartPrice(high, ref)}.`,
  ];
  const studies = [
    ...overlays.map((o) => (o.last === null ? o.label : `${o.label} at ${formatChartPrice(o.last, ref)}`)),
    ...panes.map((p) =>
      p.kind === 'rsi'
        ? `${p.label} at ${lastValue(p.values)?.toFixed(1) ?? 'n/a'}`
        : `${p.label} histogram ${formatChartPrice(lastValue(p.lines.histogram) ?? 0, ref)}`,
    ),
  ];
  if (studies.length) parts.push(`Indicators: ${studies.join(', ')}.`);
  const levels = req.levels;
  if (levels) {
    const named = [
      levels.entry !== undefined ? `entry ${formatChartPrice(levels.entry, ref)}` : '',
      levels.stop !== undefined ? `stop-loss ${formatChartPrice(levels.stop, ref)}` : '',
      levels.takeProfit !== undefined ? `take-profit ${formatChartPrice(levels.takeProfit, ref)}` : '',
    ].filter(Boolean);
    if (named.length) parts.push(`Signal levels: ${named.join(', ')}.`);
  }
  if (req.avgEntry !== undefined) parts.push(`Your average entry ${formatChartPrice(req.avgEntry, ref)}.`);
  if (req.fills?.length) {
    const buys = req.fills.filter((f) => f.side === 'buy').length;
    parts.push(`Your fills: ${buys} buy, ${req.fills.length - buys} sell.`);
  }
  return parts.join(' ');
}
