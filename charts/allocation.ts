/**
 * Portfolio allocation: a doughnut with the total in its centre and a legend of value and share. Paper
 * portfolios get the header badge only: a watermark would sit behind the total in the hole.
 */
import type { ArcElement, Chart, ChartConfiguration, Plugin } from 'chart.js';
import { formatCompact, formatNumber } from '../core/format/numbers.ts';
import { backgroundPlugin, context, font, HEADER_HEIGHT, headerPlugin, roundRect } from './decorations.ts';
import type { Theme } from './theme.ts';
import type { AllocationRequest, AllocationSlice, ChartLayout } from './types.ts';

/** More slices than this become unreadable; the smallest are merged into "Other". */
const MAX_SLICES = 7;
/** Share of the logical width given to the legend. */
const LEGEND_SHARE = 0.46;

export function groupSlices(slices: readonly AllocationSlice[]): AllocationSlice[] {
  const sorted = slices
    .filter((s) => s.value > 0)
    .sort((a, b) => b.value - a.value || a.asset.localeCompare(b.asset));
  if (sorted.length <= MAX_SLICES) return sorted;
  const kept = sorted.slice(0, MAX_SLICES - 1);
  const other = sorted.slice(MAX_SLICES - 1).reduce((sum, s) => sum + s.value, 0);
  return [...kept, { asset: 'Other', value: other }];
}

const money = (v: number): string => formatNumber(v, v >= 100_000 ? 0 : 2);

export function allocationSpec(
  req: AllocationRequest,
  theme: Theme,
): {
  config: ChartConfiguration;
  alt: string;
  inspect: (chart: Chart, ratio: number) => Partial<ChartLayout>;
} {
  const slices = groupSlices(req.slices);
  if (slices.length === 0) throw new Error('charts: allocation needs at least one positive slice');
  const total = slices.reduce((sum, s) => sum + s.value, 0);
  const colors = slices.map((_, i) => theme.slices[i % theme.slices.length]!);
  const share = (s: AllocationSlice): string => `${formatNumber((s.value / total) * 100, 1)}%`;

  const center: Plugin = {
    id: 'cpAllocationCenter',
    afterDatasetsDraw(chart) {
      const arc = chart.getDatasetMeta(0).data[0] as ArcElement | undefined;
      if (!arc) return;
      const ctx = context(chart);
      ctx.save();
      ctx.textAlign = 'center';
      ctx.fillStyle = theme.muted;
      ctx.font = font(10);
      ctx.fillText('Total', arc.x, arc.y - 8);
      ctx.fillStyle = theme.text;
      ctx.font = font(15, 700);
      ctx.fillText(formatCompact(total), arc.x, arc.y + 9);
      ctx.fillStyle = theme.muted;
      ctx.font = font(9.5);
      ctx.fillText(req.currency, arc.x, arc.y + 23);
      ctx.restore();
    },
  };

  const legend: Plugin = {
    id: 'cpAllocationLegend',
    afterDraw(chart) {
      const ctx = context(chart);
      const left = chart.width * (1 - LEGEND_SHARE);
      const right = chart.width - 16;
      const rowH = Math.min(30, (chart.height - HEADER_HEIGHT - 20) / slices.length);
      let y =
        HEADER_HEIGHT + 12 + Math.max(0, (chart.height - HEADER_HEIGHT - 20 - rowH * slices.length) / 2);
      ctx.save();
      slices.forEach((s, i) => {
        const mid = y + rowH / 2;
        ctx.fillStyle = colors[i]!;
        roundRect(ctx, left, mid - 6, 12, 12, 2);
        ctx.fill();
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'left';
        ctx.fillStyle = theme.text;
        ctx.font = font(11.5, 600);
        // A long name is cut with an ellipsis before it reaches the share column.
        const room = 128 - 20 - ctx.measureText(share(s)).width - 8;
        let name = s.asset;
        while (ctx.measureText(name).width > room && name.length > 2) name = `${name.slice(0, -2)}…`;
        ctx.fillText(name, left + 20, mid);
        ctx.textAlign = 'right';
        ctx.fillText(share(s), left + 128, mid);
        ctx.fillStyle = theme.muted;
        ctx.font = font(10.5);
        ctx.fillText(money(s.value), right, mid);
        y += rowH;
      });
      ctx.restore();
    },
  };

  const config = {
    type: 'doughnut',
    data: {
      labels: slices.map((s) => s.asset),
      datasets: [
        {
          data: slices.map((s) => s.value),
          backgroundColor: colors,
          borderColor: theme.background,
          borderWidth: 2,
        },
      ],
    },
    options: {
      events: [],
      cutout: '62%',
      layout: { padding: { top: HEADER_HEIGHT + 8, bottom: 14, left: 16, right: 0 } },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    },
    plugins: [
      backgroundPlugin(theme),
      {
        // Squeeze the doughnut into the left part of the canvas; the legend owns the rest.
        id: 'cpAllocationArea',
        afterLayout(chart: Chart) {
          chart.chartArea.right = chart.width * (1 - LEGEND_SHARE) - 16;
          chart.chartArea.width = chart.chartArea.right - chart.chartArea.left;
        },
      },
      center,
      legend,
      headerPlugin({
        left: [
          { text: req.label, color: theme.text, weight: 700, size: 14 },
          ...(req.paper
            ? [{ text: 'PAPER', color: theme.paperText, weight: 700, size: 10, badge: theme.paper } as const]
            : []),
        ],
        right: [{ text: `${money(total)} ${req.currency}`, color: theme.muted, size: 10 }],
        second: [{ text: `${slices.length} assets`, color: theme.muted }],
      }),
    ],
  } as ChartConfiguration;

  const inspect = (chart: Chart, ratio: number): Partial<ChartLayout> => {
    const arcs = chart.getDatasetMeta(0).data as unknown as ArcElement[];
    const a = arcs[0];
    if (!a) return {};
    return {
      arcs: {
        cx: a.x * ratio,
        cy: a.y * ratio,
        inner: a.innerRadius * ratio,
        outer: a.outerRadius * ratio,
        slices: arcs.map((arc, i) => ({ label: slices[i]!.asset, start: arc.startAngle, end: arc.endAngle })),
      },
    };
  };

  const alt =
    `${req.paper ? 'Paper portfolio' : 'Portfolio'} allocation "${req.label}", total ${money(total)} ${req.currency}: ` +
    `${slices.map((s) => `${s.asset} ${share(s)}`).join(', ')}.`;
  return { config, alt, inspect };
}
