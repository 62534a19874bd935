import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChartPrice } from '../core/format/numbers.ts';
import { candleIndexAt } from './candle-plugins.ts';
import { formatUtcRange, niceFloor, stepDecimals } from './format.ts';
import { sampleCandles } from './sample-data.ts';
import { candleTicks, tickLabel, timeTicks } from './time-axis.ts';

const H = 3_600_000;
const D = 24 * H;

describe('time axis and labels', () => {
  it('ticks 200 hourly candles at every other UTC midnight, labelled with the date', () => {
    const candles = sampleCandles(200, '1h');
    const { step, indices } = candleTicks(
      candles.map((c) => c.t),
      7,
    );
    expect(step).toBe(2 * D);
    expect(indices.map((i) => tickLabel(candles[i]!.t, step))).toEqual([
      'Nov 13',
      'Nov 15',
      'Nov 17',
      'Nov 19',
    ]);
  });

  it('labels intraday ticks with the UTC time and midnight with the date', () => {
    const from = Date.UTC(2026, 10, 20, 21, 0);
    const { step, ticks } = timeTicks(from, from + 9 * H, 6);
    expect(step).toBe(2 * H);
    expect(ticks.map((t) => tickLabel(t, step))).toEqual(['22:00', 'Nov 21', '02:00', '04:00', '06:00']);
  });

  it('formats prices to about five significant digits and ranges in UTC', () => {
    expect(formatChartPrice(68_118.04)).toBe('68,118.0');
    expect(formatChartPrice(3_122.184)).toBe('3,122.18');
    expect(formatChartPrice(0.000012345)).toBe('0.000012345');
    expect(formatChartPrice(-2.5)).toBe('\u22122.5000');
    expect(formatUtcRange(Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 20))).toBe(
      'Nov 1 \u2013 Nov 20 2026 UTC',
    );
    expect(stepDecimals(2000)).toBe(0);
    expect(stepDecimals(0.25)).toBe(2);
    expect(niceFloor(3.4)).toBe(2.5);
    expect(niceFloor(0.07)).toBeCloseTo(0.05);
  });

  it('finds the candle containing a fill time like a linear scan would (property)', () => {
    const candles = sampleCandles(50, '1h');
    fc.assert(
      fc.property(fc.integer({ min: candles[0]!.t - 2 * H, max: candles[49]!.t + 2 * H }), (t) => {
        const expected = candles.findIndex((c) => c.t <= t && t < c.t + H);
        expect(candleIndexAt(candles, t, H)).toBe(expected);
      }),
      { seed: 3 },
    );
  });
});
