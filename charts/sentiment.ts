/**
 * News sentiment of one coin over days: a bar per UTC day of the mean headline score (-1..+1, green
 * above zero, red below) and, beneath, how many items each bar stands on, so a +0.8 from one headline
 * reads differently from a +0.3 from forty. Drawn in-process (a handful of bars is cheap).
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { formatNumber } from '../core/format/numbers.ts';
import { drawChart } from './chartjs.ts';
import { backgroundPlugin, headerPlugin, QUIET_PLUGINS, staticSeriesOptions } from './decorations.ts';
import { formatUtcDay } from './format.ts';
import { axisStyle, paneCaptionsPlugin, timeAxisTicks } from './panes.ts';
import { type Theme, themeFor, withAlpha } from './theme.ts';
import type { ChartSize, ThemeName } from './types.ts';

export interface SentimentDayPoint {
  /** 00:00 UTC of the day, epoch ms. */
  readonly day: number;
  readonly score: number;
  readonly items: number;
}

export interface SentimentChartRequest {
  readonly coin: string;
  /** Every day of the window, oldest first; days without items have items 0. */
  readonly days: readonly SentimentDayPoint[];
  readonly theme?: ThemeName;
  readonly size?: ChartSize;
}

const DAY = 86_400_000;
const signed = (v: number) => `${v > 0 ? '+' : ''}${formatNumber(v, 2)}`;

export function sentimentSpec(
  req: SentimentChartRequest,
  theme: Theme,
): { config: ChartConfiguration; alt: string } {
  const { days } = req;
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) throw new Error('charts: sentiment needs at least one day');
  const total = days.reduce((a, d) => a + d.items, 0);
  const scored = days.filter((d) => d.items > 0);
  const mean = total ? scored.reduce((a, d) => a + d.score * d.items, 0) / total : 0;
  const step = Math.max(1, Math.ceil(days.length / 7));
  const ticks = days.filter((_, i) => i % step === 0).map((d) => d.day);
  const datasets = [
    {
      type: 'bar',
      label: 'Sentiment',
      yAxisID: 'y',
      data: days.map((d) => ({ x: d.day, y: d.items ? d.score : 0 })),
      backgroundColor: days.map((d) => (d.score >= 0 ? theme.up : theme.down)),
      barPercentage: 0.8,
      categoryPercentage: 1,
    },
    {
      type: 'bar',
      label: 'Items',
      yAxisID: 'n',
      data: days.map((d) => ({ x: d.day, y: d.items })),
      backgroundColor: withAlpha(theme.muted, 0.55),
      barPercentage: 0.8,
      categoryPercentage: 1,
    },
  ] as ChartDataset[];
  const base = axisStyle(theme);
  const maxItems = Math.max(1, ...days.map((d) => d.items));
  const config = {
    type: 'bar',
    data: { datasets },
    options: {
      ...staticSeriesOptions(),
      plugins: QUIET_PLUGINS,
      scales: {
        x: {
          type: 'linear',
          min: first.day - DAY / 2,
          max: last.day + DAY / 2,
          grid: { color: theme.grid, drawTicks: false },
          ...timeAxisTicks(theme, ticks, formatUtcDay),
        },
        y: {
          ...base,
          stackWeight: 3,
          min: -1,
          max: 1,
          ticks: { ...base.ticks, stepSize: 0.5, callback: (v: number | string) => signed(Number(v)) },
        },
        n: {
          ...base,
          stackWeight: 1.2,
          min: 0,
          max: Math.ceil(maxItems * 1.15),
          ticks: { ...base.ticks, maxTicksLimit: 3, precision: 0 },
        },
      },
    },
    plugins: [
      backgroundPlugin(theme),
      paneCaptionsPlugin(
        [{ axisId: 'n', runs: [{ text: 'Items per day', color: theme.muted, size: 9.5 }] }],
        theme,
      ),
      headerPlugin({
        left: [
          { text: `${req.coin} news sentiment`, color: theme.text, weight: 700, size: 14 },
          { text: `${days.length} days`, color: theme.muted, size: 12 },
        ],
        right: [
          {
            text: `${formatUtcDay(first.day)} – ${formatUtcDay(last.day)} UTC`,
            color: theme.muted,
            size: 10,
          },
        ],
        second: [
          { text: `Mean ${signed(mean)}`, color: mean >= 0 ? theme.up : theme.down, weight: 600 },
          { text: `from ${total} item${total === 1 ? '' : 's'}`, color: theme.muted },
        ],
      }),
    ],
  } as unknown as ChartConfiguration;
  const alt = `${req.coin} news sentiment per day, ${formatUtcDay(first.day)} to ${formatUtcDay(last.day)} UTC: mean ${signed(mean)} from ${total} items; ${scored.length} of ${days.length} days had news.`;
  return { config, alt };
}

/** Fills the days without items so every day of the window has a bar slot. */
export function everyDay(
  from: number,
  to: number,
  points: readonly SentimentDayPoint[],
): SentimentDayPoint[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const out: SentimentDayPoint[] = [];
  for (let d = from; d <= to; d += DAY) out.push(byDay.get(d) ?? { day: d, score: 0, items: 0 });
  return out;
}

export async function renderSentimentChart(
  req: SentimentChartRequest,
): Promise<{ png: Buffer; alt: string }> {
  const size = req.size ?? { width: 1000, height: 560 };
  const { config, alt } = sentimentSpec(req, themeFor(req.theme));
  const drawn = await drawChart(size, config, 'async');
  return { png: Buffer.from(drawn.png.buffer, drawn.png.byteOffset, drawn.png.byteLength), alt };
}
