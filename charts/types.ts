/**
 * Public input and output types of the chart renderer. Inputs are plain, structured-cloneable data so a
 * request can cross into a worker thread unchanged.
 */
import type { Overlay, Pane } from '../core/market/indicators/types.ts';
import type { Candle, Timeframe } from '../core/market/types.ts';

export type ThemeName = 'dark' | 'light';

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/** Strategy signal levels drawn as labelled horizontal lines. */
export interface SignalLevels {
  readonly entry?: number;
  readonly stop?: number;
  readonly takeProfit?: number;
}

/** One of the user's fills, shown as a marker on the candle that contains `t`. */
export interface FillMarker {
  readonly t: number;
  readonly price: number;
  readonly side: 'buy' | 'sell';
}

export interface MarketTitle {
  readonly pair: string;
  readonly timeframe: Timeframe;
  readonly exchange: string;
}

interface CommonRequest {
  readonly theme?: ThemeName;
  readonly size?: ChartSize;
  /** Paper-trading output: draws a "PAPER" badge and watermark. */
  readonly paper?: boolean;
}

export interface CandlestickRequest extends CommonRequest {
  readonly kind: 'candlestick';
  readonly title: MarketTitle;
  readonly candles: readonly Candle[];
  readonly volume?: boolean;
  readonly overlays?: readonly Overlay[];
  readonly panes?: readonly Pane[];
  readonly levels?: SignalLevels;
  readonly fills?: readonly FillMarker[];
  /** The user's average entry price in this market: a labelled line across the price pane. */
  readonly avgEntry?: number;
}

export interface EquityPoint {
  readonly t: number;
  readonly equity: number;
}

export interface EquityRequest extends CommonRequest {
  readonly kind: 'equity';
  readonly points: readonly EquityPoint[];
  readonly currency: string;
  /** Heading, e.g. "Bar Reaction 5M · paper equity". */
  readonly label: string;
}

export interface AllocationSlice {
  readonly asset: string;
  /** Value in `currency`. */
  readonly value: number;
}

export interface AllocationRequest extends CommonRequest {
  readonly kind: 'allocation';
  readonly slices: readonly AllocationSlice[];
  readonly currency: string;
  readonly label: string;
}

export type ChartRequest = CandlestickRequest | EquityRequest | AllocationRequest;

/** Linear value→pixel mapping of one scale: pixel = start + (v - min) / (max - min) * (end - start). */
export interface ScaleLayout {
  readonly min: number;
  readonly max: number;
  readonly start: number;
  readonly end: number;
}

/** Where things landed, in output pixels; lets tests and image maps locate drawn values. */
export interface ChartLayout {
  readonly area: {
    readonly left: number;
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
  };
  readonly scales: Readonly<Record<string, ScaleLayout>>;
  readonly arcs?: {
    readonly cx: number;
    readonly cy: number;
    readonly inner: number;
    readonly outer: number;
    /** Start/end angle in radians of each drawn slice (canvas convention, 0 = 3 o'clock, clockwise). */
    readonly slices: readonly { readonly label: string; readonly start: number; readonly end: number }[];
  };
}

export interface RenderedChart {
  readonly png: Buffer;
  readonly alt: string;
  readonly width: number;
  readonly height: number;
  readonly layout: ChartLayout;
}

export const DEFAULT_SIZE: ChartSize = { width: 1200, height: 700 };
