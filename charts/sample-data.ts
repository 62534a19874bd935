/**
 * Deterministic sample data (seeded random walk) for tests, goldens, benchmarks and docs images, so
 * every run draws the same pixels.
 */
import type { Candle, Timeframe } from '../core/market/types.ts';
import { timeframeMs } from '../core/market/types.ts';
import type { AllocationSlice, EquityPoint } from './types.ts';

/** Numerical Recipes LCG: tiny, fast and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export const SAMPLE_START = Date.UTC(2026, 10, 12, 0, 0, 0);

export function sampleCandles(count = 200, timeframe: Timeframe = '1h', start = 64_000, seed = 7): Candle[] {
  const rnd = seededRandom(seed);
  const step = timeframeMs(timeframe);
  const candles: Candle[] = [];
  let price = start;
  for (let i = 0; i < count; i++) {
    const drift = Math.sin(i / 23) * 0.0022;
    const o = price;
    const c = o * (1 + drift + (rnd() - 0.5) * 0.012);
    const h = Math.max(o, c) * (1 + rnd() * 0.004);
    const l = Math.min(o, c) * (1 - rnd() * 0.004);
    const v = 40 + rnd() * 160 + (Math.abs(c - o) / o) * 12_000;
    candles.push({ t: SAMPLE_START + i * step, o, h, l, c, v: Math.round(v * 1000) / 1000 });
    price = c;
  }
  return candles;
}

export function sampleEquity(count = 240, start = 10_000, seed = 11): EquityPoint[] {
  const rnd = seededRandom(seed);
  const points: EquityPoint[] = [];
  let equity = start;
  for (let i = 0; i < count; i++) {
    points.push({ t: SAMPLE_START + i * 3_600_000, equity: Math.round(equity * 100) / 100 });
    equity *= 1 + (rnd() - 0.47) * 0.012;
  }
  return points;
}

export const SAMPLE_ALLOCATION: readonly AllocationSlice[] = [
  { asset: 'BTC', value: 18_250 },
  { asset: 'ETH', value: 9_420.5 },
  { asset: 'USDT', value: 6_100 },
  { asset: 'SOL', value: 3_180.25 },
  { asset: 'LINK', value: 940 },
  { asset: 'DOGE', value: 210.4 },
  { asset: 'ADA', value: 120 },
];
