/**
 * No look-ahead, by property: for random candle series and random prefixes, the events and signals of
 * the prefix equal those of the full run up to that point. And a run stopped anywhere, snapshotted
 * (JSON, as the role persists it) and resumed, equals the uninterrupted run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveParams } from './params.ts';
import { signalOf } from './signal-json.ts';
import { BarReactionEngine, type EngineSnapshot, EVENT_CLOSE, EVENT_OPEN } from './strategy.ts';

const M5 = 300_000;
const META = { exchange: 'sim', pair: 'ETH/USDT', mode: 'paper', timeframe: '5m' } as const;

/** A random walk with random ranges and the odd missing candle: enough signals to exercise the rules. */
const series = fc
  .array(
    fc.record({
      // Integer tenths of a basis point: fast-check's doubles crowd near 0 and the bounds.
      ret: fc.integer({ min: -400, max: 400 }).map((x) => x / 100_000),
      up: fc.integer({ min: 0, max: 150 }).map((x) => x / 100_000),
      down: fc.integer({ min: 0, max: 150 }).map((x) => x / 100_000),
      skip: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: 60, maxLength: 400 },
  )
  .map((steps) => {
    let price = 3000;
    let t = Date.UTC(2026, 0, 1);
    return steps.map(({ ret, up, down, skip }) => {
      const o = price;
      const c = o * (1 + ret);
      price = c;
      t += skip === 0 ? 2 * M5 : M5;
      return { t, o, h: Math.max(o, c) * (1 + up), l: Math.min(o, c) * (1 - down), c };
    });
  });

const params = fc.record({
  mode: fc.constantFrom('trend' as const, 'revert' as const),
  triggerBps: fc.double({ min: 2, max: 20, noNaN: true }),
  spreadCapBps: fc.double({ min: 8, max: 40, noNaN: true }),
  minAtrPct: fc.constant(0.05),
  maxHoldMinutes: fc.integer({ min: 10, max: 300 }),
});

type C = { t: number; o: number; h: number; l: number; c: number };

function trace(candles: readonly C[], engine: BarReactionEngine, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < candles.length; i++) {
    const { t, o, h, l, c } = candles[i]!;
    const e = engine.step(0, t, o, h, l, c);
    out.push(
      e === EVENT_OPEN || e === EVENT_CLOSE ? `${e}:${JSON.stringify(signalOf(engine, 0, META))}` : `${e}`,
    );
  }
  return out;
}

describe('no look-ahead', () => {
  it('the prefix of a run equals the run of the prefix', () => {
    fc.assert(
      fc.property(series, params, fc.double({ min: 0, max: 1, noNaN: true }), (candles, p, cut) => {
        const full = trace(candles, new BarReactionEngine([resolveParams(p)]));
        const n = Math.floor(cut * candles.length);
        const prefix = trace(candles.slice(0, n), new BarReactionEngine([resolveParams(p)]));
        expect(prefix).toEqual(full.slice(0, n));
      }),
      { numRuns: 300 },
    );
  });

  it('the random series do fire signals (the property is not vacuous)', () => {
    const samples = fc.sample(fc.tuple(series, params), { numRuns: 100, seed: 7 });
    const fired = samples.filter(([c, p]) =>
      trace(c, new BarReactionEngine([resolveParams(p)])).some((x) => x.startsWith('1:')),
    );
    expect(fired.length).toBeGreaterThan(30);
  });

  it('stop, snapshot through JSON, resume: the same as an uninterrupted run', () => {
    fc.assert(
      fc.property(series, params, fc.double({ min: 0, max: 1, noNaN: true }), (candles, p, cut) => {
        const full = trace(candles, new BarReactionEngine([resolveParams(p)]));
        const n = Math.floor(cut * candles.length);
        const first = new BarReactionEngine([resolveParams(p)]);
        const head = trace(candles.slice(0, n), first);
        const snap = JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshot;
        const second = new BarReactionEngine([resolveParams(p)]);
        expect(second.restore(snap)).toBe(true);
        expect([...head, ...trace(candles, second, n)]).toEqual(full);
      }),
      { numRuns: 200 },
    );
  });
});
