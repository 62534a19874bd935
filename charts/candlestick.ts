/**
 * Candlestick chart: candles with volume, overlays, lower panes (stacked y axes sharing one x axis),
 * signal levels, fill markers, last-price tag, header and PAPER mark.
 */
import type { ChartConfiguration, ChartDataset, Plugin, Scale } from 'chart.js';
import { formatChartPrice, formatNumber, formatPercent } from '../core/format/numbers.ts';
import { lastValue, type Series } from '../core/market/indicators/series.ts';
import { timeframeMs } from '../core/market/types.ts';
import { candleAlt } from './alt.ts';
import {
  avgEntryPlugin,
  fillsPlugin,
  lastPricePlugin,
  levelsPlugin,
  rsiBandPlugin,
  VOLUME_HEIGHT,
  volumePlugin,
} from './candle-plugins.ts';
import {
  backgroundPlugin,
  headerPlugin,
  QUIET_PLUGINS,
  staticSeriesOptions,
  type TextRun,
  watermarkPlugin,
} from './decorations.ts';
import { formatUtcRange, stepDecimals } from './format.ts';
import { axisStyle, type LinearOptions, paneArea, paneCaptionsPlugin, timeAxisTicks } from './panes.ts';
import { overlayStudies, type PaneStudy, paneStudies } from './studies.ts';
import { type Theme, withAlpha } from './theme.ts';
import { candleTicks, formatSpan, tickLabels } from './time-axis.ts';
import type { CandlestickRequest } from './types.ts';

export interface ChartSpec {
  readonly config: ChartConfiguration;
  readonly alt: string;
}

/** Empty slots right of the last candle so the last-price tag and newest candle stay clear of the axis. */
const RIGHT_MARGIN_SLOTS = 3;

const points = (values: Series) => values.map((y, x) => ({ x, y }));

function priceRange(req: CandlestickRequest, seriesList: readonly Series[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const see = (v: number | null | undefined) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    min = Math.min(min, v);
    max = Math.max(max, v);
  };
  for (const c of req.candles) {
    see(c.l);
    see(c.h);
  }
  for (const s of seriesList) for (const v of s) see(v);
  see(req.levels?.entry);
  see(req.levels?.stop);
  see(req.levels?.takeProfit);
  see(req.avgEntry);
  const span = max - min || Math.abs(max) * 0.01 || 1;
  const bottomRoom = req.volume === false ? 0.06 : VOLUME_HEIGHT / (1 - VOLUME_HEIGHT) + 0.04;
  return { min: min - span * bottomRoom, max: max + span * 0.08 };
}

function paneDatasets(p: PaneStudy, theme: Theme): ChartDataset[] {
  const [c0 = theme.text, c1 = theme.muted] = theme.series;
  if (p.kind === 'rsi') {
    return [line(p.label, points(p.values), theme.series[2] ?? c0, 1.5, p.axisId)];
  }
  const hist = p.lines.histogram;
  return [
    line('MACD', points(p.lines.macd), theme.series[2] ?? c0, 1.4, p.axisId),
    line('Signal', points(p.lines.signal), c0 === theme.series[2] ? c1 : c0, 1.2, p.axisId),
    {
      type: 'bar',
      label: 'Histogram',
      yAxisID: p.axisId,
      data: points(hist),
      backgroundColor: hist.map((v) => ((v ?? 0) >= 0 ? theme.up : theme.down)),
      barPercentage: 0.9,
      categoryPercentage: 0.8,
      order: 20,
    } as ChartDataset,
  ];
}

function line(
  label: string,
  data: { x: number; y: number | null }[],
  color: string,
  width: number,
  yAxisID: string,
): ChartDataset {
  return {
    type: 'line',
    label,
    data,
    yAxisID,
    borderColor: color,
    borderWidth: width,
    pointRadius: 0,
    tension: 0,
    spanGaps: false,
    order: 0,
  } as ChartDataset;
}

function paneScale(p: PaneStudy, theme: Theme, reference: number): LinearOptions {
  const base = axisStyle(theme);
  if (p.kind === 'rsi') {
    return {
      ...base,
      stackWeight: 1.1,
      min: 0,
      max: 100,
      afterBuildTicks: (scale: Scale) => {
        scale.ticks = [{ value: 30 }, { value: 70 }];
      },
      ticks: { ...base.ticks, callback: (v) => String(v) },
    };
  }
  const values = [...p.lines.macd, ...p.lines.signal, ...p.lines.histogram].filter(
    (v): v is number => v !== null,
  );
  const extent = Math.max(...values.map(Math.abs), reference * 1e-6);
  return {
    ...base,
    stackWeight: 1.1,
    min: -extent * 1.15,
    max: extent * 1.15,
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = [{ value: 0 }];
    },
  };
}

export function candlestickSpec(req: CandlestickRequest, theme: Theme): ChartSpec {
  const { candles } = req;
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last) throw new Error('charts: candlestick needs at least one candle');
  const slotMs = timeframeMs(req.title.timeframe);
  const reference = last.c;
  const overlays = overlayStudies(candles, req.overlays ?? [], theme);
  const panes = paneStudies(candles, req.panes ?? []);
  const overlayLines = overlays.flatMap((o) => o.lines);
  const range = priceRange(
    req,
    overlayLines.map((l) => l.values),
  );
  const ticks = candleTicks(
    candles.map((c) => c.t),
    7,
  );

  const labels = tickLabels(
    ticks.indices.map((i) => candles[i]!.t),
    ticks.step,
    first.t,
    last.t,
  );
  const tickText = new Map(ticks.indices.map((i, k) => [i, labels[k]!]));

  const datasets: ChartDataset[] = [
    {
      type: 'candlestick',
      label: req.title.pair,
      yAxisID: 'y',
      data: candles.map((c, i) => ({ x: i, o: c.o, h: c.h, l: c.l, c: c.c })),
      backgroundColors: { up: theme.up, down: theme.down, unchanged: theme.muted },
      borderColors: { up: theme.up, down: theme.down, unchanged: theme.muted },
      borderWidth: 1,
      categoryPercentage: 0.8,
      barPercentage: 0.9,
      order: 10,
    } as ChartDataset,
    ...overlayLines.map((l) => {
      const ds = line(l.label, points(l.values), l.color, l.width, 'y') as ChartDataset<'line'>;
      return {
        ...ds,
        borderDash: l.dash ? [...l.dash] : [],
        fill: l.fillToPrevious
          ? { target: '-1', above: withAlpha(l.color, 0.08), below: withAlpha(l.color, 0.08) }
          : false,
      } as ChartDataset;
    }),
    ...panes.flatMap((p) => paneDatasets(p, theme)),
  ];

  const scales: Record<string, LinearOptions> = {
    x: {
      type: 'linear',
      min: -0.5,
      // The bar-type defaults offset the axis and its grid by half a slot; our min/max already pad.
      offset: false,
      max: candles.length - 0.5 + RIGHT_MARGIN_SLOTS,
      grid: { color: theme.grid, drawTicks: false, offset: false },
      ...timeAxisTicks(theme, ticks.indices, (i) => tickText.get(i) ?? ''),
    },
    y: {
      ...axisStyle(theme),
      stackWeight: 4,
      min: range.min,
      max: range.max,
      ticks: {
        ...axisStyle(theme).ticks,
        maxTicksLimit: 8,
        // Tick labels need only the step's precision; tags keep the full price precision.
        callback: (v, _i, all) =>
          formatNumber(Number(v), stepDecimals(Math.abs((all[1]?.value ?? 0) - (all[0]?.value ?? 0)))),
      },
    },
  };
  for (const p of panes) scales[p.axisId] = paneScale(p, theme, reference);

  const change = ((last.c - first.o) / first.o) * 100;
  const changeColor = change >= 0 ? theme.up : theme.down;
  const header = {
    left: [
      { text: req.title.pair, color: theme.text, weight: 700, size: 14 },
      { text: req.title.timeframe, color: theme.text, weight: 600, size: 12 },
      { text: req.title.exchange, color: theme.muted, size: 12 },
      ...(req.paper
        ? [{ text: 'PAPER', color: theme.paperText, weight: 700, size: 10, badge: theme.paper } as const]
        : []),
    ],
    right: [{ text: formatUtcRange(first.t, last.t), color: theme.muted, size: 10 }],
    second: [
      { text: `O ${formatChartPrice(last.o, reference)}`, color: theme.muted },
      { text: `H ${formatChartPrice(last.h, reference)}`, color: theme.muted },
      { text: `L ${formatChartPrice(last.l, reference)}`, color: theme.muted },
      {
        text: `C ${formatChartPrice(last.c, reference)}`,
        color: last.c >= last.o ? theme.up : theme.down,
        weight: 600,
      },
      // The percentage says what it covers: the drawn candles, first open to last close.
      {
        text: `${formatPercent(change)} over ${formatSpan(last.t + slotMs - first.t)}`,
        color: changeColor,
        weight: 600,
      },
      ...(req.avgEntry === undefined
        ? []
        : [{ text: `Avg entry ${formatChartPrice(req.avgEntry, reference)}`, color: theme.entry }]),
      ...overlays.map((o) => ({
        text: o.last === null ? o.label : `${o.label} ${formatChartPrice(o.last, reference)}`,
        color: o.color,
      })),
    ],
  } satisfies { left: TextRun[]; right: TextRun[]; second: TextRun[] };

  const captions = panes.map((p) => ({
    axisId: p.axisId,
    runs:
      p.kind === 'rsi'
        ? [
            {
              text: `${p.label}  ${lastValue(p.values)?.toFixed(1) ?? '–'}`,
              color: theme.series[2] ?? theme.text,
              size: 9.5,
            },
          ]
        : [
            { text: p.label, color: theme.muted, size: 9.5 },
            {
              text: formatChartPrice(lastValue(p.lines.macd) ?? 0, reference),
              color: theme.series[2] ?? theme.text,
              size: 9.5,
            },
            {
              text: formatChartPrice(lastValue(p.lines.signal) ?? 0, reference),
              color: theme.series[0] ?? theme.text,
              size: 9.5,
            },
          ],
  }));

  const plugins: Plugin[] = [backgroundPlugin(theme)];
  if (req.paper) plugins.push(watermarkPlugin(theme, (chart) => paneArea(chart, 'y')));
  if (req.volume !== false) plugins.push(volumePlugin(candles, theme));
  for (const p of panes) if (p.kind === 'rsi') plugins.push(rsiBandPlugin(p.axisId, theme));
  if (req.levels) plugins.push(levelsPlugin(req.levels, theme, reference));
  if (req.avgEntry !== undefined) plugins.push(avgEntryPlugin(req.avgEntry, theme, reference));
  plugins.push(lastPricePlugin(last, theme, reference));
  if (req.fills?.length) plugins.push(fillsPlugin(candles, req.fills, slotMs, theme));
  plugins.push(paneCaptionsPlugin(captions, theme), headerPlugin(header));

  const config = {
    type: 'candlestick',
    data: { datasets },
    options: {
      ...staticSeriesOptions(),
      plugins: { ...QUIET_PLUGINS, title: { display: false } },
      scales,
    },
    plugins,
  } as ChartConfiguration;
  return { config, alt: candleAlt(req, overlays, panes) };
}
