/**
 * What a user may ask to see on a chart: price-pane overlays and lower panes. Plain data shared by the
 * agent (parsing, text answers) and the chart renderer, so it lives in core and charts/ imports it.
 */

/** Price-pane overlays, e.g. `[{ kind: 'ema', period: 20 }]`. */
export type Overlay =
  | { readonly kind: 'sma'; readonly period: number }
  | { readonly kind: 'ema'; readonly period: number }
  | { readonly kind: 'bollinger'; readonly period?: number; readonly stdDev?: number }
  | { readonly kind: 'vwap' };

/** Lower panes under the price pane, drawn in the order given. */
export type Pane =
  | { readonly kind: 'rsi'; readonly period?: number }
  | { readonly kind: 'macd'; readonly fast?: number; readonly slow?: number; readonly signal?: number };
