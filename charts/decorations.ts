/**
 * Drawing that Chart.js has no element for: background, header rows of coloured text runs, the PAPER
 * badge and watermark, axis price tags, pane captions. All sizes are logical pixels (the context is
 * already scaled by the pixel ratio).
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Chart, ChartArea, Plugin } from 'chart.js';
import { FONT_FAMILY } from './fonts.ts';
import type { Theme } from './theme.ts';

export const HEADER_HEIGHT = 44;

/**
 * What every time-series chart here shares: pre-parsed, sorted data (Chart.js skips its parsing pass),
 * no interaction (a PNG has none), room for the header above the plot, and no built-in legend or tooltip
 * (the header draws those). A new object per chart: the header plugin grows its chart's top padding
 * when the header wraps.
 */
export function staticSeriesOptions() {
  return {
    parsing: false as const,
    normalized: true,
    events: [] as never[],
    layout: { padding: { top: HEADER_HEIGHT, left: 6, right: 2, bottom: 2 } },
  };
}
export const QUIET_PLUGINS = { legend: { display: false }, tooltip: { enabled: false } } as const;

export interface TextRun {
  readonly text: string;
  readonly color: string;
  readonly weight?: 400 | 600 | 700;
  readonly size?: number;
  /** Draws the run as a filled pill (badge) with `color` text on `badge` background. */
  readonly badge?: string;
}

export function font(size: number, weight: 400 | 600 | 700 = 400): string {
  return `${weight} ${size}px "${FONT_FAMILY}"`;
}

export function context(chart: Chart): SKRSContext2D {
  return chart.ctx as unknown as SKRSContext2D;
}

/** Draws runs from `x` on baseline `y`; `align: 'right'` ends them at `x`. Returns the end x. */
export function drawRuns(
  ctx: SKRSContext2D,
  runs: readonly TextRun[],
  x: number,
  y: number,
  align: 'left' | 'right' = 'left',
  backdrop?: string,
): number {
  const gap = 7;
  const widths = runs.map((r) => {
    ctx.font = font(r.size ?? 10.5, r.weight ?? 400);
    return ctx.measureText(r.text).width + (r.badge ? 10 : 0);
  });
  const total = widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, runs.length - 1);
  let cx = align === 'left' ? x : x - total;
  if (backdrop) {
    const size = Math.max(...runs.map((r) => r.size ?? 10.5));
    ctx.fillStyle = backdrop;
    ctx.fillRect(cx - 3, y - size - 1, total + 6, size + 5);
  }
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  runs.forEach((r, i) => {
    const size = r.size ?? 10.5;
    ctx.font = font(size, r.weight ?? 400);
    const w = widths[i]!;
    if (r.badge) {
      ctx.fillStyle = r.badge;
      roundRect(ctx, cx, y - size - 2, w, size + 6, 3);
      ctx.fill();
      ctx.fillStyle = r.color;
      ctx.fillText(r.text, cx + 5, y);
    } else {
      ctx.fillStyle = r.color;
      ctx.fillText(r.text, cx, y);
    }
    cx += w + gap;
  });
  return cx;
}

export function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

/** Fills the whole canvas first: PNGs must not be transparent (Telegram renders alpha as black/white). */
export function backgroundPlugin(theme: Theme): Plugin {
  return {
    id: 'cpBackground',
    beforeDraw(chart) {
      const ctx = context(chart);
      ctx.save();
      ctx.fillStyle = theme.background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

export interface Header {
  readonly left: readonly TextRun[];
  readonly right: readonly TextRun[];
  readonly second: readonly TextRun[];
}

/** Line height of the header's wrapped rows, logical px. */
const HEADER_ROW = 14;
const RUN_GAP = 7;

function runWidth(ctx: SKRSContext2D, r: TextRun): number {
  ctx.font = font(r.size ?? 10.5, r.weight ?? 400);
  return ctx.measureText(r.text).width + (r.badge ? 10 : 0);
}

function runsWidth(ctx: SKRSContext2D, runs: readonly TextRun[]): number {
  return runs.reduce((sum, r) => sum + runWidth(ctx, r), 0) + RUN_GAP * Math.max(0, runs.length - 1);
}

export interface HeaderLayout {
  /** The right-hand runs share the title line; otherwise they lead the wrapped rows. */
  readonly rightOnTitle: boolean;
  /** Rows under the title line, each fitting the width. */
  readonly rows: readonly (readonly TextRun[])[];
}

/**
 * Wraps the header so nothing runs off the image: the time range moves under the title when both do
 * not fit on one line, and the values row breaks between runs (a run wider than the line is cut with
 * an ellipsis).
 */
export function layoutHeader(ctx: SKRSContext2D, header: Header, width: number): HeaderLayout {
  const avail = width - 20;
  const rightOnTitle = runsWidth(ctx, header.left) + 16 + runsWidth(ctx, header.right) <= avail;
  const flow = rightOnTitle ? header.second : [...header.right, ...header.second];
  const rows: TextRun[][] = [];
  let row: TextRun[] = [];
  let used = 0;
  for (const run of flow) {
    let r = run;
    while (runWidth(ctx, r) > avail && r.text.length > 2) r = { ...r, text: `${r.text.slice(0, -2)}…` };
    const w = runWidth(ctx, r);
    if (row.length && used + RUN_GAP + w > avail) {
      rows.push(row);
      row = [];
      used = 0;
    }
    used += (row.length ? RUN_GAP : 0) + w;
    row.push(r);
  }
  if (row.length) rows.push(row);
  return { rightOnTitle, rows };
}

export function headerPlugin(header: Header): Plugin {
  let layout: HeaderLayout | undefined;
  let baseTop: number | undefined;
  const plugin: Plugin & { readonly header: Header } = {
    id: 'cpHeader',
    header,
    // Measure before the layout so extra header rows push the plot down instead of covering it.
    beforeLayout(chart) {
      layout = layoutHeader(context(chart), header, chart.width);
      const padding = chart.options.layout?.padding as { top: number };
      baseTop ??= padding.top;
      padding.top = baseTop + Math.max(0, layout.rows.length - 1) * HEADER_ROW;
    },
    afterDraw(chart) {
      const ctx = context(chart);
      const l = layout ?? layoutHeader(ctx, header, chart.width);
      ctx.save();
      drawRuns(ctx, header.left, 10, 18);
      if (l.rightOnTitle) drawRuns(ctx, header.right, chart.width - 10, 18, 'right');
      l.rows.forEach((row, i) => {
        drawRuns(ctx, row, 10, 36 + i * HEADER_ROW);
      });
      ctx.restore();
    },
  };
  return plugin;
}

/** Large faint "PAPER" across `area()` so a cropped screenshot still says it is not real money. */
export function watermarkPlugin(theme: Theme, area: (chart: Chart) => ChartArea): Plugin {
  return {
    id: 'cpWatermark',
    beforeDatasetsDraw(chart) {
      const a = area(chart);
      const ctx = context(chart);
      ctx.save();
      ctx.globalAlpha = theme.watermarkAlpha;
      ctx.fillStyle = theme.text;
      ctx.font = font(Math.min(72, (a.bottom - a.top) * 0.45), 700);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('PAPER', (a.left + a.right) / 2, (a.top + a.bottom) / 2);
      ctx.restore();
    },
  };
}

/** A filled tag on the right axis at `y` with `text`, like an exchange's last-price marker. */
export function axisTag(
  ctx: SKRSContext2D,
  chartArea: ChartArea,
  chartWidth: number,
  y: number,
  text: string,
  bg: string,
  fg: string,
): void {
  const h = 15;
  ctx.font = font(10, 600);
  const textWidth = ctx.measureText(text).width + 8;
  // Sit on the axis, but never run off the canvas when the label is wider than the tick labels.
  const x = Math.min(chartArea.right + 1, chartWidth - textWidth - 1);
  const w = Math.max(chartWidth - x - 2, textWidth);
  ctx.fillStyle = bg;
  roundRect(ctx, x, y - h / 2, w, h, 2);
  ctx.fill();
  ctx.fillStyle = fg;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + 4, y + 0.5);
}

/** A horizontal line across the area at `y`; dashed unless `dash` is empty. */
export function hLine(
  ctx: SKRSContext2D,
  area: ChartArea,
  y: number,
  color: string,
  width: number,
  dash: number[],
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(area.left, y);
  ctx.lineTo(area.right, y);
  ctx.stroke();
  ctx.setLineDash([]);
}
