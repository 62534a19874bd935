/** How the dashboard writes numbers: the pair's precision as its signals carry it, R, %, risk/reward. */
import { describe, expect, it } from 'vitest';
import type { Signal } from '../src/api/contract.ts';
import { decimals, pairDigits, riskReward } from '../src/format.ts';

const signal = (pair: string, entry: number, stopLoss: number, takeProfit: number): Signal => ({
  id: `${pair}:${entry}`,
  pair,
  mode: 'paper',
  side: 'long',
  entry,
  stopLoss,
  takeProfit,
  confidence: 0.7,
  reason: 'test',
  candleTime: 0,
  time: '2023-01-12T00:35:00.000Z',
  status: 'open',
});

describe('pair precision', () => {
  it('counts the decimals a number is written with, exponent form included', () => {
    expect(decimals(17944.2)).toBe(1);
    expect(decimals(18002.54)).toBe(2);
    expect(decimals(5)).toBe(0);
    expect(decimals(1e-7)).toBe(7);
    expect(decimals(1.5e-7)).toBe(8);
  });

  it('takes the most decimals any price of the pair uses (the server rounds to the market precision)', () => {
    // 17944.2 drops its trailing zero (17944.20); its siblings show the market uses 2 decimals.
    const list = [signal('BTC/USD', 17944.2, 17909.19, 18049.22), signal('XRP/USD', 0.5123, 0.51, 0.52)];
    expect(pairDigits(list, 'BTC/USD')).toBe(2);
    expect(pairDigits(list, 'XRP/USD')).toBe(4);
    expect(pairDigits(list, 'XRP/USD', 5)).toBe(5);
  });
});

describe('risk/reward', () => {
  it('is the distance to the target over the distance to the stop, for both sides', () => {
    // long: (18049.22 - 17944.2) / (17944.2 - 17909.19) = 105.02 / 35.01 = 3.0
    expect(riskReward({ entry: 17944.2, stopLoss: 17909.19, takeProfit: 18049.22 })).toBeCloseTo(3.0, 2);
    // short: (100 - 94) / (102 - 100) = 3
    expect(riskReward({ entry: 100, stopLoss: 102, takeProfit: 94 })).toBe(3);
    expect(riskReward({ entry: 100, stopLoss: 100, takeProfit: 94 })).toBeUndefined();
  });
});
