/** The pair's 5m candles around one signal: entry, stop and target lines, entry and exit marked. */
import {
  CandlestickSeries,
  createSeriesMarkers,
  type IChartApi,
  LineStyle,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Bar, Signal } from '../api/contract.ts';
import { PALETTES, type Scheme } from '../theme.ts';
import { FIVE_MIN } from './bars.ts';
import { makeChart } from './base.ts';

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

interface Props {
  readonly bars: readonly Bar[];
  readonly signal: Signal;
  readonly digits: number;
  readonly scheme: Scheme;
}

export default function CandleChart({ bars, signal, digits, scheme }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | undefined>(undefined);

  useEffect(() => {
    if (!el.current) return;
    const palette = PALETTES[scheme];
    const c = makeChart(el.current, palette);
    chart.current = c;
    const series = c.addSeries(CandlestickSeries, {
      upColor: palette.up,
      downColor: palette.down,
      wickUpColor: palette.up,
      wickDownColor: palette.down,
      borderVisible: false,
      priceFormat: { type: 'price', precision: digits, minMove: 10 ** -digits },
    });
    // Sorted, one bar per time: the library refuses anything else.
    const seen = new Set<number>();
    const data = [...bars]
      .sort((a, b) => a.t - b.t)
      .filter((b) => !seen.has(b.t) && seen.add(b.t))
      .map((b) => ({ time: sec(b.t), open: b.o, high: b.h, low: b.l, close: b.c }));
    series.setData(data);
    const line = (price: number, color: string, title: string, style = LineStyle.Dashed) =>
      series.createPriceLine({ price, color, title, lineWidth: 1, lineStyle: style, axisLabelVisible: true });
    line(signal.entry, palette.entry, 'Entry', LineStyle.Solid);
    line(signal.stopLoss, palette.down, 'Stop');
    line(signal.takeProfit, palette.up, 'Target');
    if (signal.takeProfit1 != null) line(signal.takeProfit1, palette.up, 'TP1', LineStyle.Dotted);

    const long = signal.side === 'long';
    const markers: SeriesMarker<Time>[] = [
      {
        time: sec(signal.candleTime),
        position: long ? 'belowBar' : 'aboveBar',
        shape: long ? 'arrowUp' : 'arrowDown',
        color: palette.entry,
        text: long ? 'Long' : 'Short',
      },
    ];
    if (signal.exit) {
      // Mark the bar the exit happened in.
      const exitBar = Math.floor(Date.parse(signal.exit.time) / FIVE_MIN) * FIVE_MIN;
      const won = (signal.exit.r ?? 0) > 0;
      markers.push({
        time: sec(exitBar),
        position: 'inBar',
        shape: 'circle',
        color: won ? palette.up : palette.down,
        text: `Exit ${signal.exit.r == null ? '' : `${signal.exit.r > 0 ? '+' : ''}${signal.exit.r.toFixed(2)}R`}`,
      });
    }
    createSeriesMarkers(
      series,
      markers.filter((m) => data.some((d) => d.time === m.time)),
    );
    c.timeScale().fitContent();
    return () => {
      c.remove();
      chart.current = undefined;
    };
  }, [bars, signal, digits, scheme]);

  return (
    <div
      ref={el}
      className="chart chart-candles"
      role="img"
      aria-label={`${signal.pair} 5 minute candles with entry ${signal.entry}, stop ${signal.stopLoss} and target ${signal.takeProfit}`}
      data-testid="candle-chart"
    />
  );
}
