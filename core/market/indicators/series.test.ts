import * as ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { bollinger, ema, lastValue, macd, rsi, sma, vwap } from './series.ts';

/** A deterministic wavy walk around 64,000 (no charts/ sample data: core does not import charts). */
const closes = Array.from(
  { length: 300 },
  (_, i) => 64_000 * (1 + 0.02 * Math.sin(i / 23) + 0.004 * Math.sin(i * 1.7)),
);

/** Compares the last `n` values of two series aligned at their ends. */
function tailsAgree(ours: (number | null)[], theirs: number[], n: number, tolerance: number): void {
  for (let k = 1; k <= n; k++) {
    expect(Math.abs(ours[ours.length - k]! - theirs[theirs.length - k]!)).toBeLessThan(tolerance);
  }
}

describe('indicators (trading-signals)', () => {
  it('computes SMA exactly and hides warm-up values', () => {
    // (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(ema([1, 2, 3, 4, 5], 3).slice(0, 2)).toEqual([null, null]);
  });

  it('agrees with technicalindicators once the seeds have washed out', () => {
    tailsAgree(ema(closes, 20), ti.EMA.calculate({ period: 20, values: closes }), 100, 1e-6 * closes[0]!);
    tailsAgree(rsi(closes, 14), ti.RSI.calculate({ period: 14, values: closes }), 100, 0.01);
    const bb = bollinger(closes, 20, 2);
    const theirs = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
    tailsAgree(
      bb.upper,
      theirs.map((b) => b.upper),
      50,
      1e-6 * closes[0]!,
    );
    const m = macd(closes);
    const theirMacd = ti.MACD.calculate({
      values: closes,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    tailsAgree(
      m.macd,
      theirMacd.map((x) => x.MACD!),
      50,
      1e-6 * closes[0]!,
    );
  });

  it('keeps RSI within 0..100', () => {
    for (const v of rsi(closes)) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
    expect(Math.max(...rsi(closes).map((v) => v ?? 0))).toBeLessThanOrEqual(100);
  });

  it('re-anchors VWAP at each UTC midnight', () => {
    const day = 86_400_000;
    const candles = [
      { t: day - 3_600_000, o: 10, h: 12, l: 8, c: 10, v: 1 }, // typical price 10
      { t: day, o: 20, h: 22, l: 18, c: 20, v: 3 }, // new day: typical 20, VWAP restarts at 20
      { t: day + 3_600_000, o: 30, h: 32, l: 28, c: 30, v: 1 }, // (20*3 + 30*1) / 4 = 22.5
    ];
    const v = vwap(candles);
    expect(v[0]).toBeCloseTo(10);
    expect(v[1]).toBeCloseTo(20);
    expect(v[2]).toBeCloseTo(22.5);
    expect(lastValue(v)).toBeCloseTo(22.5);
  });
});
