/** The equity curve from /v1/pnl, with its drawdown in a pane below. */
import { AreaSeries, HistogramSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Pnl } from '../api/contract.ts';
import { PALETTES, type Scheme } from '../theme.ts';
import { makeChart } from './base.ts';

interface Props {
  readonly points: Pnl['points'];
  readonly scheme: Scheme;
}

export default function EquityChart({ points, scheme }: Props) {
  const el = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!el.current) return;
    const palette = PALETTES[scheme];
    const chart = makeChart(el.current, palette);
    // One point per second, ascending: the library refuses anything else; the latest value wins.
    const bySecond = new Map<number, Pnl['points'][number]>();
    for (const p of points) bySecond.set(Math.floor(Date.parse(p.time) / 1000), p);
    const rows = [...bySecond.entries()].sort((a, b) => a[0] - b[0]);
    const equity = chart.addSeries(AreaSeries, {
      lineColor: palette.entry,
      topColor: `${palette.entry}55`,
      bottomColor: `${palette.entry}05`,
      lineWidth: 2,
      title: 'Equity',
    });
    equity.setData(rows.map(([t, p]) => ({ time: t as UTCTimestamp, value: p.equity })));
    const drawdown = chart.addSeries(
      HistogramSeries,
      { color: palette.down, title: 'Drawdown %', priceFormat: { type: 'percent', precision: 2 } },
      1,
    );
    // Drawdown is drawn downwards whichever sign the server uses for it.
    drawdown.setData(rows.map(([t, p]) => ({ time: t as UTCTimestamp, value: -Math.abs(p.drawdownPct) })));
    const panes = chart.panes();
    panes[1]?.setHeight(70);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [points, scheme]);

  return (
    <div
      ref={el}
      className="chart chart-equity"
      role="img"
      aria-label="Equity curve with drawdown"
      data-testid="equity-chart"
    />
  );
}
