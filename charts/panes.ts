/** Geometry and captions of stacked panes (several y axes sharing one x axis in one Chart.js chart). */
import type { Chart, ChartArea, Plugin, Scale, ScaleOptions } from 'chart.js';
import { context, drawRuns, type TextRun } from './decorations.ts';
import { type Theme, withAlpha } from './theme.ts';

export type LinearOptions = ScaleOptions<'linear'>;

/** A y axis on the right, in the shared 'panes' stack. */
export function axisStyle(theme: Theme): LinearOptions {
  return {
    type: 'linear',
    position: 'right',
    stack: 'panes',
    grid: { color: theme.grid, drawTicks: false },
    border: { color: theme.axis },
    ticks: { color: theme.muted, font: { size: 10 }, padding: 6, includeBounds: false },
  };
}

/**
 * The time axis under a chart: ticks exactly at `values` (chosen by time-axis.ts, not by Chart.js), each
 * labelled by `label`. Shared by the candlestick and equity charts so their axes look the same.
 */
export function timeAxisTicks(theme: Theme, values: readonly number[], label: (value: number) => string) {
  return {
    border: { color: theme.axis },
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = values.map((value) => ({ value }));
    },
    ticks: {
      color: theme.muted,
      font: { size: 10 },
      maxRotation: 0,
      autoSkip: false,
      padding: 6,
      callback: (v: number | string) => label(Number(v)),
    },
  };
}

export function paneArea(chart: Chart, axisId: string): ChartArea {
  const s = chart.scales[axisId]!;
  const { left, right } = chart.chartArea;
  return { left, right, top: s.top, bottom: s.bottom, width: right - left, height: s.bottom - s.top };
}

/** Separator lines between panes and a caption (name and latest values) at each pane's top-left. */
export function paneCaptionsPlugin(
  captions: readonly { axisId: string; runs: readonly TextRun[] }[],
  theme: Theme,
): Plugin {
  return {
    id: 'cpPaneCaptions',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      ctx.save();
      for (const { axisId, runs } of captions) {
        const area = paneArea(chart, axisId);
        if (axisId !== 'y') {
          ctx.strokeStyle = theme.axis;
          ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(area.left, area.top);
          ctx.lineTo(chart.width, area.top);
          ctx.stroke();
        }
        drawRuns(ctx, runs, area.left + 6, area.top + 13, 'left', withAlpha(theme.background, 0.75));
      }
      ctx.restore();
    },
  };
}
