/**
 * Indicator series aligned with the candles (null during warm-up), computed with `trading-signals`:
 * it beat `technicalindicators` on every indicator we draw (bench/indicators.bench.ts, docs/charts.md)
 * and is streaming, the same one-candle-at-a-time model the signal engine uses. Lives in core so the
 * agent's text answers and the chart renderer compute the same numbers without core importing charts/.
 */
import { BollingerBands, EMA, MACD, RSI, SMA, VWAP } from 'trading-signals';
import type { Candle } from '../types.ts';

export type Series = (number | null)[];

const DAY_MS = 86_400_000;

/** Streams `values` through an indicator, hiding results until `warmup` inputs have been seen. */
function stream<R>(values: readonly number[], warmup: number, add: (v: number) => R | null): (R | null)[] {
  const out: (R | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const r = add(values[i]!);
    out[i] = i + 1 >= warmup ? r : null;
  }
  return out;
}

export function sma(values: readonly number[], period: number): Series {
  const ind = new SMA(period);
  return stream(values, period, (v) => ind.add(v));
}

export function ema(values: readonly number[], period: number): Series {
  // trading-signals seeds EMA with the first price; hide the first `period` values like an SMA seed would.
  const ind = new EMA(period);
  return stream(values, period, (v) => ind.add(v));
}

export function rsi(values: readonly number[], period = 14): Series {
  const ind = new RSI(period);
  return stream(values, period + 1, (v) => ind.add(v));
}

export interface Bands {
  readonly upper: Series;
  readonly middle: Series;
  readonly lower: Series;
}

export function bollinger(values: readonly number[], period = 20, stdDev = 2): Bands {
  const ind = new BollingerBands(period, stdDev);
  const res = stream(values, period, (v) => ind.add(v));
  return {
    upper: res.map((r) => r?.upper ?? null),
    middle: res.map((r) => r?.middle ?? null),
    lower: res.map((r) => r?.lower ?? null),
  };
}

export interface MacdSeries {
  readonly macd: Series;
  readonly signal: Series;
  readonly histogram: Series;
}

export function macd(values: readonly number[], fast = 12, slow = 26, signal = 9): MacdSeries {
  const ind = new MACD(new EMA(fast), new EMA(slow), new EMA(signal));
  const res = stream(values, slow + signal - 1, (v) => ind.add(v));
  return {
    macd: res.map((r) => r?.macd ?? null),
    signal: res.map((r) => r?.signal ?? null),
    histogram: res.map((r) => r?.histogram ?? null),
  };
}

/** Session VWAP, anchored at each UTC midnight as exchanges and TradingView do. */
export function vwap(candles: readonly Candle[]): Series {
  const out: Series = new Array(candles.length);
  let day = Number.NaN;
  let ind = new VWAP();
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    const d = Math.floor(c.t / DAY_MS);
    if (d !== day) {
      day = d;
      ind = new VWAP();
    }
    out[i] =
      c.v > 0 || ind.getResult() !== null ? ind.add({ high: c.h, low: c.l, close: c.c, volume: c.v }) : null;
  }
  return out;
}

/** Last non-null value, for legends and alt text. */
export function lastValue(series: Series): number | null {
  for (let i = series.length - 1; i >= 0; i--) {
    const v = series[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
