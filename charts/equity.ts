/** Equity curve with a drawdown pane beneath, for /pnl and the strategy's paper record. */
import type { ChartConfiguration, ChartDataset, Plugin, Scale } from 'chart.js';
import { formatNumber, formatPercent } from '../core/format/numbers.ts';
import {
  axisTag,
  backgroundPlugin,
  context,
  headerPlugin,
  hLine,
  QUIET_PLUGINS,
  staticSeriesOptions,
  watermarkPlugin,
} from './decorations.ts';
import { formatUtcRange, niceFloor, stepDecimals } from './format.ts';
import { axisStyle, paneArea, paneCaptionsPlugin, timeAxisTicks } from './panes.ts';
import { type Theme, withAlpha } from './theme.ts';
import { formatSpan, tickLabels, timeTicks } from './time-axis.ts';
import type { EquityPoint, EquityRequest } from './types.ts';

export interface EquityStats {
  readonly start: number;
  readonly last: number;
  readonly returnPct: number;
  /** Drawdown from the running peak, in percent (<= 0), per point. */
  readonly drawdown: readonly number[];
  readonly maxDrawdownPct: number;
}

export function equityStats(points: readonly EquityPoint[]): EquityStats {
  let peak = Number.NEGATIVE_INFINITY;
  const drawdown = points.map((p) => {
    peak = Math.max(peak, p.equity);
    return peak > 0 ? (p.equity / peak - 1) * 100 : 0;
  });
  const start = points[0]?.equity ?? 0;
  const last = points[points.length - 1]?.equity ?? 0;
  return {
    start,
    last,
    returnPct: start !== 0 ? (last / start - 1) * 100 : 0,
    drawdown,
    maxDrawdownPct: Math.min(0, ...drawdown),
  };
}

const money = (v: number): string => formatNumber(v, Math.abs(v) >= 100_000 ? 0 : 2);
/** Axis labels and the last-value tag: whole units above 1,000 so the tag fits the axis. */
const axisMoney = (v: number): string => formatNumber(v, Math.abs(v) >= 1_000 ? 0 : 2);

export function equitySpec(req: EquityRequest, theme: Theme): { config: ChartConfiguration; alt: string } {
  const { points } = req;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) throw new Error('charts: equity needs at least one point');
  const stats = equityStats(points);
  const up = stats.returnPct >= 0;
  const lineColor = up ? theme.up : theme.down;
  const ticks = timeTicks(first.t, last.t, 7);
  const labels = tickLabels(ticks.ticks, ticks.step, first.t, last.t);
  const tickText = new Map(ticks.ticks.map((t, k) => [t, labels[k]!]));
  const values = points.map((p) => p.equity);
  const lo = Math.min(...values, stats.start);
  const hi = Math.max(...values, stats.start);
  const pad = (hi - lo || Math.abs(hi) * 0.01 || 1) * 0.08;

  const datasets = [
    {
      type: 'line',
      label: 'Equity',
      yAxisID: 'y',
      data: points.map((p) => ({ x: p.t, y: p.equity })),
      borderColor: lineColor,
      borderWidth: 2,
      backgroundColor: withAlpha(lineColor, 0.12),
      fill: 'start',
      pointRadius: 0,
      tension: 0,
    },
    {
      type: 'line',
      label: 'Drawdown',
      yAxisID: 'dd',
      data: points.map((p, i) => ({ x: p.t, y: stats.drawdown[i]! })),
      borderColor: theme.down,
      borderWidth: 1.2,
      backgroundColor: withAlpha(theme.down, 0.25),
      fill: 'origin',
      pointRadius: 0,
      tension: 0,
    },
  ] as ChartDataset[];

  const baseline: Plugin = {
    id: 'cpEquityBaseline',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      const y = chart.scales.y!;
      ctx.save();
      hLine(ctx, paneArea(chart, 'y'), y.getPixelForValue(stats.start), theme.muted, 1, [4, 4]);
      const py = y.getPixelForValue(stats.last);
      axisTag(ctx, chart.chartArea, chart.width, py, axisMoney(stats.last), lineColor, theme.tagText);
      ctx.restore();
    },
  };

  const base = axisStyle(theme);
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      ...staticSeriesOptions(),
      plugins: { ...QUIET_PLUGINS, filler: { propagate: false } },
      scales: {
        x: {
          type: 'linear',
          min: first.t,
          max: last.t,
          grid: { color: theme.grid, drawTicks: false },
          ...timeAxisTicks(theme, ticks.ticks, (t) => tickText.get(t) ?? ''),
        },
        y: {
          ...base,
          stackWeight: 3,
          min: lo - pad,
          max: hi + pad,
          ticks: { ...base.ticks, maxTicksLimit: 7, callback: (v: number | string) => axisMoney(Number(v)) },
        },
        dd: {
          ...base,
          stackWeight: 1.2,
          min: Math.min(-1, stats.maxDrawdownPct * 1.25),
          max: 0,
          // Two gridlines: 0% and a round level near the worst drawdown.
          afterBuildTicks: (scale: Scale) => {
            const depth = Math.max(1, -stats.maxDrawdownPct);
            scale.ticks = [{ value: 0 }, { value: -niceFloor(depth) }];
          },
          ticks: {
            ...base.ticks,
            callback: (v: number | string) => `${formatNumber(Number(v), stepDecimals(Number(v)))}%`,
          },
        },
      },
    },
    plugins: [
      backgroundPlugin(theme),
      ...(req.paper ? [watermarkPlugin(theme, (chart) => paneArea(chart, 'y'))] : []),
      baseline,
      paneCaptionsPlugin(
        [
          {
            axisId: 'dd',
            runs: [
              { text: 'Drawdown', color: theme.muted, size: 9.5 },
              {
                text: formatPercent(stats.drawdown[stats.drawdown.length - 1] ?? 0),
                color: theme.down,
                size: 9.5,
              },
            ],
          },
        ],
        theme,
      ),
      headerPlugin({
        left: [
          { text: req.label, color: theme.text, weight: 700, size: 14 },
          { text: req.currency, color: theme.muted, size: 12 },
          ...(req.paper
            ? [{ text: 'PAPER', color: theme.paperText, weight: 700, size: 10, badge: theme.paper } as const]
            : []),
        ],
        right: [{ text: formatUtcRange(first.t, last.t), color: theme.muted, size: 10 }],
        second: [
          { text: `Equity ${money(stats.last)} ${req.currency}`, color: theme.text, weight: 600 },
          {
            text: `${formatPercent(stats.returnPct)} over ${formatSpan(last.t - first.t)}`,
            color: lineColor,
            weight: 600,
          },
          { text: `Max drawdown ${formatPercent(stats.maxDrawdownPct)}`, color: theme.down },
        ],
      }),
    ],
  } as ChartConfiguration;

  const alt =
    `${req.paper ? 'Paper-trading equity' : 'Equity'} curve "${req.label}" in ${req.currency}, ` +
    `${formatUtcRange(first.t, last.t)}: from ${money(stats.start)} to ${money(stats.last)} ` +
    `(${formatPercent(stats.returnPct)}), maximum drawdown ${formatPercent(stats.maxDrawdownPct)}.`;
  return { config, alt };
}
