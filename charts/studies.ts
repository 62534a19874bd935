/** Turns the requested overlays and panes into named, coloured series ready to plot and describe. */

import {
  bollinger,
  ema,
  lastValue,
  macd,
  rsi,
  type Series,
  sma,
  vwap,
} from '../core/market/indicators/series.ts';
import type { Overlay, Pane } from '../core/market/indicators/types.ts';
import type { Candle } from '../core/market/types.ts';
import type { Theme } from './theme.ts';

export interface Line {
  readonly label: string;
  readonly color: string;
  readonly values: Series;
  readonly width: number;
  readonly dash?: readonly number[];
  /** Fill down to the previous line (Bollinger band body). */
  readonly fillToPrevious?: boolean;
}

export interface OverlayStudy {
  readonly label: string;
  readonly color: string;
  readonly last: number | null;
  readonly lines: readonly Line[];
}

export function overlayStudies(
  candles: readonly Candle[],
  overlays: readonly Overlay[],
  theme: Theme,
): OverlayStudy[] {
  const closes = candles.map((c) => c.c);
  return overlays.map((o, i) => overlayStudy(o, theme.series[i % theme.series.length]!, candles, closes));
}

function overlayStudy(
  o: Overlay,
  color: string,
  candles: readonly Candle[],
  closes: readonly number[],
): OverlayStudy {
  switch (o.kind) {
    case 'sma':
    case 'ema': {
      const values = o.kind === 'sma' ? sma(closes, o.period) : ema(closes, o.period);
      const label = `${o.kind.toUpperCase()} ${o.period}`;
      return { label, color, last: lastValue(values), lines: [{ label, color, values, width: 1.6 }] };
    }
    case 'bollinger': {
      const period = o.period ?? 20;
      const dev = o.stdDev ?? 2;
      const b = bollinger(closes, period, dev);
      const label = `BB ${period} ${dev}`;
      return {
        label,
        color,
        last: lastValue(b.middle),
        lines: [
          { label: `${label} upper`, color, values: b.upper, width: 1 },
          { label: `${label} lower`, color, values: b.lower, width: 1, fillToPrevious: true },
          { label: `${label} basis`, color, values: b.middle, width: 1, dash: [4, 3] },
        ],
      };
    }
    case 'vwap': {
      const values = vwap(candles);
      return {
        label: 'VWAP',
        color,
        last: lastValue(values),
        lines: [{ label: 'VWAP', color, values, width: 1.6 }],
      };
    }
  }
}

export type PaneStudy =
  | { readonly kind: 'rsi'; readonly axisId: string; readonly label: string; readonly values: Series }
  | {
      readonly kind: 'macd';
      readonly axisId: string;
      readonly label: string;
      readonly lines: ReturnType<typeof macd>;
    };

export function paneStudies(candles: readonly Candle[], panes: readonly Pane[]): PaneStudy[] {
  const closes = candles.map((c) => c.c);
  return panes.map((p, i) => {
    const axisId = `pane${i}`;
    if (p.kind === 'rsi') {
      const period = p.period ?? 14;
      return { kind: 'rsi', axisId, label: `RSI ${period}`, values: rsi(closes, period) };
    }
    const fast = p.fast ?? 12;
    const slow = p.slow ?? 26;
    const signal = p.signal ?? 9;
    return {
      kind: 'macd',
      axisId,
      label: `MACD ${fast} ${slow} ${signal}`,
      lines: macd(closes, fast, slow, signal),
    };
  });
}
