/**
 * Chart.js plugins specific to the candlestick chart: volume under the candles, signal levels, fill
 * markers, the last-price tag and RSI bands. Each reads geometry from the chart's own
 * scales so drawing always agrees with the candles.
 */
import type { Chart, Plugin } from 'chart.js';
import { formatChartPrice } from '../core/format/numbers.ts';
import type { Candle } from '../core/market/types.ts';
import { axisTag, context, font, hLine, roundRect } from './decorations.ts';
import { paneArea } from './panes.ts';
import { type Theme, withAlpha } from './theme.ts';
import type { FillMarker, SignalLevels } from './types.ts';

/** Share of a candle slot the body fills; volume bars use the same so they line up. */
export const BODY_RATIO = 0.72;
/** Share of the price pane's height volume bars may reach. */
export const VOLUME_HEIGHT = 0.2;

function slotWidth(chart: Chart): number {
  const x = chart.scales.x!;
  return Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0));
}

export function volumePlugin(candles: readonly Candle[], theme: Theme): Plugin {
  const maxVolume = Math.max(...candles.map((c) => c.v), 0);
  return {
    id: 'cpVolume',
    beforeDatasetsDraw(chart) {
      if (maxVolume <= 0) return;
      const ctx = context(chart);
      const area = paneArea(chart, 'y');
      const x = chart.scales.x!;
      const w = Math.max(1, slotWidth(chart) * BODY_RATIO);
      const up = withAlpha(theme.up, theme.volumeAlpha);
      const down = withAlpha(theme.down, theme.volumeAlpha);
      ctx.save();
      candles.forEach((c, i) => {
        const h = (c.v / maxVolume) * area.height * VOLUME_HEIGHT;
        ctx.fillStyle = c.c >= c.o ? up : down;
        ctx.fillRect(x.getPixelForValue(i) - w / 2, area.bottom - h, w, h);
      });
      ctx.restore();
    },
  };
}

const LEVEL_LABELS: Record<keyof SignalLevels, string> = {
  entry: 'ENTRY',
  stop: 'STOP',
  takeProfit: 'TARGET',
};

export function levelsPlugin(levels: SignalLevels, theme: Theme, reference: number): Plugin {
  const colors: Record<keyof SignalLevels, string> = {
    entry: theme.entry,
    stop: theme.stop,
    takeProfit: theme.takeProfit,
  };
  const entries = (Object.keys(LEVEL_LABELS) as (keyof SignalLevels)[]).flatMap((k) => {
    const price = levels[k];
    return price === undefined ? [] : [{ key: k, price }];
  });
  return {
    id: 'cpLevels',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      const area = paneArea(chart, 'y');
      ctx.save();
      for (const { key, price } of entries)
        priceLine(ctx, chart, theme, reference, {
          price,
          color: colors[key],
          width: 1.5,
          dash: [6, 4],
          tag: { label: LEVEL_LABELS[key], x: () => area.left + 4 },
        });
      ctx.restore();
    },
  };
}

/** Index of the candle whose slot contains `t` (candles sorted by open time), or -1. */
export function candleIndexAt(candles: readonly Candle[], t: number, slotMs: number): number {
  let lo = 0;
  let hi = candles.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (candles[mid]!.t <= t) lo = mid + 1;
    else hi = mid - 1;
  }
  const c = candles[hi];
  return c && t < c.t + slotMs ? hi : -1;
}

/** Buy: upward triangle under the candle's low; sell: downward triangle over its high. */
export function fillsPlugin(
  candles: readonly Candle[],
  fills: readonly FillMarker[],
  slotMs: number,
  theme: Theme,
): Plugin {
  return {
    id: 'cpFills',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      const x = chart.scales.x!;
      const y = chart.scales.y!;
      const half = Math.min(7, Math.max(4.5, slotWidth(chart) * 1.2));
      ctx.save();
      for (const f of fills) {
        const i = candleIndexAt(candles, f.t, slotMs);
        if (i < 0) continue;
        const c = candles[i]!;
        const px = x.getPixelForValue(i);
        const buy = f.side === 'buy';
        const tip = buy ? y.getPixelForValue(c.l) + 3 : y.getPixelForValue(c.h) - 3;
        const base = buy ? tip + half * 1.6 : tip - half * 1.6;
        ctx.fillStyle = buy ? theme.buy : theme.sell;
        ctx.strokeStyle = theme.background;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(px, tip);
        ctx.lineTo(px + half, base);
        ctx.lineTo(px - half, base);
        ctx.closePath();
        ctx.fill();
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

export function lastPricePlugin(last: Candle, theme: Theme, reference: number): Plugin {
  const color = last.c >= last.o ? theme.up : theme.down;
  return {
    id: 'cpLastPrice',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      ctx.save();
      priceLine(ctx, chart, theme, reference, { price: last.c, color, width: 1, dash: [1.5, 2.5] });
      ctx.restore();
    },
  };
}

/** Faint 30–70 band and guide lines in the RSI pane. */
export function rsiBandPlugin(axisId: string, theme: Theme): Plugin {
  return {
    id: `cpRsiBand_${axisId}`,
    beforeDatasetsDraw(chart) {
      const ctx = context(chart);
      const area = paneArea(chart, axisId);
      const s = chart.scales[axisId]!;
      const top = s.getPixelForValue(70);
      const bottom = s.getPixelForValue(30);
      ctx.save();
      ctx.fillStyle = withAlpha(theme.series[2] ?? theme.muted, 0.07);
      ctx.fillRect(area.left, top, area.width, bottom - top);
      hLine(ctx, area, top, theme.axis, 1, [3, 3]);
      hLine(ctx, area, bottom, theme.axis, 1, [3, 3]);
      ctx.restore();
    },
  };
}

/** A filled, rounded tag with a level's name at the line's height; `x` places it once its width is known. */
function levelTag(
  ctx: ReturnType<typeof context>,
  tag: { label: string; x: (width: number) => number; py: number; color: string; text: string },
): void {
  ctx.font = font(8.5, 700);
  const w = ctx.measureText(tag.label).width + 8;
  const x = tag.x(w);
  ctx.fillStyle = tag.color;
  roundRect(ctx, x, tag.py - 6, w, 12, 2);
  ctx.fill();
  ctx.fillStyle = tag.text;
  ctx.textBaseline = 'middle';
  ctx.fillText(tag.label, x + 4, tag.py + 0.5);
}

interface PriceLine {
  readonly price: number;
  readonly color: string;
  readonly width: number;
  readonly dash: readonly number[];
  /** A named tag on the line (signal levels, average entry); the last price has only its axis tag. */
  readonly tag?: { readonly label: string; readonly x: (width: number) => number };
}

/** A horizontal line across the price pane at `price`, its optional named tag, and its price on the axis. */
function priceLine(
  ctx: ReturnType<typeof context>,
  chart: Chart,
  theme: Theme,
  reference: number,
  line: PriceLine,
): void {
  const py = chart.scales.y!.getPixelForValue(line.price);
  hLine(ctx, paneArea(chart, 'y'), py, line.color, line.width, [...line.dash]);
  if (line.tag) levelTag(ctx, { ...line.tag, py, color: line.color, text: theme.tagText });
  const label = formatChartPrice(line.price, reference);
  axisTag(ctx, chart.chartArea, chart.width, py, label, line.color, theme.tagText);
}

/** The user's average entry: a solid thin line labelled "AVG ENTRY" with its price on the axis. */
export function avgEntryPlugin(price: number, theme: Theme, reference: number): Plugin {
  return {
    id: 'cpAvgEntry',
    afterDatasetsDraw(chart) {
      const ctx = context(chart);
      const area = paneArea(chart, 'y');
      ctx.save();
      priceLine(ctx, chart, theme, reference, {
        price,
        color: theme.entry,
        width: 1.2,
        dash: [],
        // Right of the level tags' spot at the left edge, so both can be read when they sit close.
        tag: { label: 'AVG ENTRY', x: (w) => area.right - w - 6 },
      });
      ctx.restore();
    },
  };
}
