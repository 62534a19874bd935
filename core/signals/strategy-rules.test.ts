/**
 * STRATEGY.md rule by rule, each scenario with its arithmetic. Unless a test says otherwise the
 * parameters are the defaults (trigger 12 bps, ATR band 0.25–3 %, ATR(14), stop 0.6 ATR, targets
 * 1.0 / 1.8 ATR, spread cap 8 bps, hold 240 min, fees 16 / 26 bps, risk 0.6 %, notional cap 99 %,
 * equity 10,000).
 *
 * The base scenario: 14 warm-up candles flat at 9,975 with a 25 range (each TR = 25), then the signal
 * candle o 9,985 h 10,000 l 9,985 c 10,000:
 *   TR = max(15, |10,000 − 9,975|, |9,985 − 9,975|) = 25  → ATR = 14·25 / 14 = 25
 *   atrPct = 25·100 / 10,000 = 0.25 (exactly the lower band edge, inclusive)
 *   spread = max(15 / 10,000 · 10,000 · 0.35, 2) = 5.25 bps ≤ 8
 *   move = 15 / 9,985 · 10,000 = 15.02 bps ≥ 12 → long at 10,000
 *   stop = 10,000 − 0.6·25 = 9,985, tp1 = 10,025, tp = 10,000 + 1.8·25 = 10,045
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type ParamOverrides, resolveParams } from './params.ts';
import { signalOf } from './signal-json.ts';
import { BarReactionEngine, EVENT_CLOSE, EVENT_NONE, EVENT_OPEN, S, T } from './strategy.ts';
import type { Signal } from './types.ts';

const M5 = 300_000;
const T0 = Date.UTC(2026, 0, 5);
type Bar = [o: number, h: number, l: number, c: number];

const warmup = (n: number, price: number, range: number): Bar[] =>
  Array.from({ length: n }, () => [price, price + range / 2, price - range / 2, price]);
const BASE: Bar[] = [...warmup(14, 9975, 25), [9985, 10000, 9985, 10000]];

interface Run {
  events: number[];
  engine: BarReactionEngine;
  /** Each signal as it stood after its last event. */
  signals: Signal[];
}

function run(bars: readonly Bar[], overrides: ParamOverrides = {}, times?: readonly number[]): Run {
  const engine = new BarReactionEngine([resolveParams(overrides)]);
  const events: number[] = [];
  const byId = new Map<string, Signal>();
  bars.forEach(([o, h, l, c], i) => {
    const e = engine.step(0, times?.[i] ?? T0 + i * M5, o, h, l, c);
    events.push(e);
    if (e === EVENT_OPEN || e === EVENT_CLOSE) {
      const s = signalOf(engine, 0, { exchange: 'sim', pair: 'BTC/USDT', mode: 'paper', timeframe: '5m' });
      byId.set(s.id, s);
    }
  });
  return { events, engine, signals: [...byId.values()] };
}

const opened = (r: Run) => r.events.filter((e) => e === EVENT_OPEN).length;

describe('gates', () => {
  it('warm-up: the 15th candle is the first that can fire; the same bar as 14th does not', () => {
    // 13 warm-up candles + the signal bar = 14 seen: not more than atrPeriod, so nothing.
    expect(opened(run([...warmup(13, 9975, 25), BASE[14]!]))).toBe(0);
    const r = run(BASE);
    expect(r.events.indexOf(EVENT_OPEN)).toBe(14); // the 15th candle
  });

  it('the base scenario opens a long with the levels and confidence of the rules', () => {
    const [s] = run(BASE).signals;
    expect(s).toMatchObject({
      side: 'long',
      entry: 10000,
      stopLoss: 9985,
      takeProfit1: 10025,
      takeProfit: 10045,
    });
    // q = clip(1 − |0.25 − 1.625| / 1.375, 0, 1) = 0; boost = min(0.20, 0.10·15.02/12) = 0.125
    // confidence = min(0.90, 0.60 + 0.125 + 0) = 0.725 (rounded to 3 decimals)
    expect(s!.confidence).toBe(0.725);
    expect(s!.candleTime).toBe(T0 + 14 * M5);
    expect(s!.time).toBe(new Date(T0 + 15 * M5).toISOString()); // the candle's close
    expect(s!.id).toBe(`bar_reaction_5m:BTC-USDT:${T0 + 14 * M5}`);
    expect(s!.reason).toBe('5m bar +15.0 bps, ATR 0.25% of price');
  });

  it('ATR band lower edge is inclusive: atrPct 0.25 fires at min 0.25, not at min 0.25 + 1e-9', () => {
    expect(opened(run(BASE, { minAtrPct: 0.25 }))).toBe(1);
    expect(opened(run(BASE, { minAtrPct: 0.25 + 1e-9 }))).toBe(0);
  });

  it('ATR band upper edge is inclusive: atrPct 0.25 fires at max 0.25, not at max 0.25 − 1e-9', () => {
    expect(opened(run(BASE, { minAtrPct: 0.1, maxAtrPct: 0.25 }))).toBe(1);
    expect(opened(run(BASE, { minAtrPct: 0.1, maxAtrPct: 0.25 - 1e-9 }))).toBe(0);
  });

  it('ATR below the band: a 20 range gives ATR 20 = 0.2 % of 10,000 < 0.25 %', () => {
    // warm-up at 9,980 (range 20), signal o 9,985 h 10,000 l 9,985 c 10,000: TR = max(15, 20, 5) = 20.
    expect(opened(run([...warmup(14, 9980, 20), [9985, 10000, 9985, 10000]]))).toBe(0);
  });

  it('spread cap edge: (10,500 − 10,476) / 10,500 · 10,000 · 0.35 = 8 bps passes; 8.01 bps does not', () => {
    // warm-up at 10,460 range 60; signal o 10,480 c 10,500: move 19.1 bps;
    // TR = max(24, 40, 16) = 40, ATR = (13·60 + 40) / 14 = 58.57 → 0.56 % in band.
    const at = (low: number) => run([...warmup(14, 10460, 60), [10480, 10500, low, 10500]]);
    expect(opened(at(10476))).toBe(1);
    expect(opened(at(10475.9))).toBe(0); // 24.1 · 3,500 / 10,500 = 8.03 bps
  });

  it('spread has a floor of 2 bps: a 1-wide bar (0.35 bps raw) passes a cap of 2, not a cap of 1.99', () => {
    expect(opened(run(BASE, { spreadCapBps: 5.25 }))).toBe(1); // 15 · 3,500 / 10,000 = 5.25 exactly
    expect(opened(run(BASE, { spreadCapBps: 5.2 }))).toBe(0);
    // trigger 1 bps; signal o 9,999 h 10,000 l 9,999 c 10,000: move 1.0001 bps, TR = max(1, 25, 24) = 25.
    const tiny: Bar[] = [...warmup(14, 9975, 25), [9999, 10000, 9999, 10000]];
    expect(opened(run(tiny, { triggerBps: 1, spreadCapBps: 2 }))).toBe(1);
    expect(opened(run(tiny, { triggerBps: 1, spreadCapBps: 1.99 }))).toBe(0);
  });

  it('trigger edge: a body of exactly 12 bps fires, 11.99 bps does not', () => {
    // warm-up at 9,990 range 30; signal o 10,000 h 10,012 l 10,000 c 10,012: move = 12 · 10,000 / 10,000 = 12.
    // TR = max(12, 22, 10) = 22, ATR = (13·30 + 22) / 14 = 29.43 → 0.29 % in band; spread 4.2 bps.
    const bars = (c: number): Bar[] => [...warmup(14, 9990, 30), [10000, c, 10000, c]];
    expect(opened(run(bars(10012)))).toBe(1);
    expect(opened(run(bars(10011.99)))).toBe(0);
    expect(opened(run(bars(10012), { triggerBps: 12 + 1e-9 }))).toBe(0);
  });
});

describe('modes', () => {
  const down: Bar[] = [...warmup(14, 10025, 25), [10015, 10015, 10000, 10000]]; // move −14.98 bps
  it('trend follows the bar: up → long, down → short with mirrored levels', () => {
    expect(run(BASE).signals[0]!.side).toBe('long');
    const s = run(down).signals[0]!;
    // TR = max(15, |10,015 − 10,025|, |10,000 − 10,025|) = 25 → ATR 25; stop 10,000 + 15, tp 10,000 − 45.
    expect(s).toMatchObject({ side: 'short', stopLoss: 10015, takeProfit1: 9975, takeProfit: 9955 });
  });
  it('revert fades the bar: up → short, down → long', () => {
    expect(run(BASE, { mode: 'revert' }).signals[0]).toMatchObject({
      side: 'short',
      stopLoss: 10015,
      takeProfit: 9955,
    });
    expect(run(down, { mode: 'revert' }).signals[0]!.side).toBe('long');
  });
});

describe('exits (long from the base scenario: entry 10,000, stop 9,985, target 10,045, qty 0.99)', () => {
  // qty = min(10,000 · 0.6 % / 15, 10,000 · 99 % / 10,000) = min(4, 0.99) = 0.99 (the notional cap).
  const withNext = (...bars: Bar[]) => run([...BASE, ...bars]);

  it('target: high 10,046 ≥ 10,045 closes at 10,045, r = 45 / 15 = +3.0', () => {
    const r = withNext([10010, 10046, 9990, 10040]);
    const s = r.signals[0]!;
    expect(s.status).toBe('target');
    expect(s.exit).toMatchObject({
      price: 10045,
      reason: 'target',
      time: new Date(T0 + 16 * M5).toISOString(),
    });
    expect(s.exit!.r).toBeCloseTo(3, 12);
    // gross 45 · 0.99 = 44.55; fees 10,000 · 0.99 · 0.16 % + 10,045 · 0.99 · 0.16 % = 31.75128 → pnl 12.79872
    expect(s.exit!.pnl).toBeCloseTo(12.79872, 9);
    expect(r.engine.track[T.EQUITY]).toBeCloseTo(10012.79872, 9);
    expect(s.exit!.pnlPct).toBeCloseTo(0.1279872, 9);
  });

  it('stop: low 9,984 ≤ 9,985 closes at min(9,985, open 9,995) = 9,985, r = −1', () => {
    const s = withNext([9995, 10000, 9984, 9990]).signals[0]!;
    expect(s.status).toBe('stop');
    expect(s.exit!.price).toBe(9985);
    expect(s.exit!.r).toBeCloseTo(-1, 12);
    // gross −15 · 0.99 = −14.85; fees 15.84 + 9,985 · 0.99 · 0.26 % = 25.70139 → pnl −56.39139
    expect(s.exit!.pnl).toBeCloseTo(-56.39139, 9);
  });

  it('a candle touching both stop and target is a stop', () => {
    const s = withNext([10000, 10050, 9980, 10040]).signals[0]!;
    expect(s).toMatchObject({ status: 'stop', exit: { price: 9985 } });
  });

  it('a gap through the stop fills at the open: open 9,970 → r = −30 / 15 = −2', () => {
    const s = withNext([9970, 9975, 9960, 9972]).signals[0]!;
    expect(s.exit!.price).toBe(9970);
    expect(s.exit!.r).toBeCloseTo(-2, 12);
  });

  it('a short gapping through its stop fills at the open too: max(10,015, open 10,030)', () => {
    const down: Bar[] = [...warmup(14, 10025, 25), [10015, 10015, 10000, 10000]];
    const s = run([...down, [10030, 10040, 10020, 10035]]).signals[0]!;
    expect(s).toMatchObject({ side: 'short', status: 'stop', exit: { price: 10030 } });
    expect(s.exit!.r).toBeCloseTo(-2, 12);
  });

  it('expiry: the first candle whose close is ≥ 240 min after the signal closes at its close', () => {
    // Signal time = T0 + 15·5m. Candle j after it closes at signal + j·5m: j = 48 is the first ≥ 240 min.
    const inside = Array.from({ length: 48 }, (): Bar => [10000, 10010, 9990, 10003]);
    const r = withNext(...inside);
    expect(r.events.slice(15, 62)).toEqual(Array(47).fill(EVENT_NONE));
    expect(r.events[62]).toBe(EVENT_CLOSE);
    const s = r.signals[0]!;
    expect(s).toMatchObject({ status: 'expired', exit: { price: 10003, reason: 'expired' } });
    expect(s.exit!.time).toBe(new Date(T0 + 15 * M5 + 240 * 60_000).toISOString());
    expect(s.exit!.r).toBeCloseTo(3 / 15, 12);
  });

  it('a signal still open when the candles run out stays open and counts nowhere', () => {
    const r = withNext([10000, 10010, 9990, 10003]);
    expect(r.signals[0]!.status).toBe('open');
    expect(r.engine.track[T.EQUITY]).toBe(10000);
    expect(r.engine.track[T.OPEN_COUNT]).toBe(1);
  });
});

describe('candles and sequencing', () => {
  it('a missing candle is not invented: TR uses the previous candle that exists, expiry counts time', () => {
    // Drop warm-up candle 7 (its time slot stays empty): 14 candles seen before the signal bar.
    const times = [...Array(15).keys()].map((i) => T0 + (i < 7 ? i : i + 1) * M5);
    const bars: Bar[] = [...warmup(14, 9975, 25), [9985, 10000, 9985, 10000]];
    const r = run(bars, {}, times);
    expect(r.events[14]).toBe(EVENT_OPEN);
    expect(r.engine.states[0]![S.ATR]).toBe(25);
    // Expiry after a gap: candles at +5m … +200m, then +245m (close ≥ 240 min) → expired there.
    const gapped = [...r.signals];
    expect(gapped[0]!.time).toBe(new Date(T0 + 16 * M5).toISOString());
    const engine = r.engine;
    const sigTime = T0 + 16 * M5;
    for (let j = 0; j < 40; j++)
      expect(engine.step(0, sigTime + j * M5, 10000, 10010, 9990, 10001)).toBe(EVENT_NONE);
    expect(engine.step(0, sigTime + 47 * M5, 10000, 10010, 9990, 10001)).toBe(EVENT_CLOSE);
  });

  it('the candle that closes a signal does not open the next; the one after may', () => {
    // Target bar o 10,020 h 10,060 l 10,020 c 10,060: itself a 40 bps up bar, but it only closes.
    // Then o 10,060 h 10,080 l 10,060 c 10,080 (19.9 bps): opens the next signal.
    const r = run([...BASE, [10020, 10060, 10020, 10060], [10060, 10080, 10060, 10080]], {
      spreadCapBps: 20,
      maxAtrPct: 3,
    });
    expect(r.events.slice(14)).toEqual([EVENT_OPEN, EVENT_CLOSE, EVENT_OPEN]);
    expect(r.signals[0]!.status).toBe('target');
    expect(r.signals[1]!.candleTime).toBe(T0 + 16 * M5);
  });

  it('a candle is processed once: the same or an older open time is ignored', () => {
    const engine = new BarReactionEngine([DEFAULT_PARAMS]);
    expect(engine.step(0, T0, 1, 2, 0.5, 1.5)).toBe(EVENT_NONE);
    expect(engine.step(0, T0, 1, 2, 0.5, 1.5)).toBe(-1);
    expect(engine.step(0, T0 - M5, 1, 2, 0.5, 1.5)).toBe(-1);
  });
});

describe('sizing', () => {
  it('at the notional cap: min(10,000 · 0.6 % / 15 = 4, 10,000 · 99 % / 10,000 = 0.99) = 0.99', () => {
    expect(run(BASE).engine.states[0]![S.QTY]).toBeCloseTo(0.99, 12);
  });
  it('by risk below the cap: risk 0.06 % → 10,000 · 0.06 % / 15 = 0.4', () => {
    expect(run(BASE, { riskPct: 0.06 }).engine.states[0]![S.QTY]).toBeCloseTo(0.4, 12);
  });
  it('with the equity at the signal time: after a +12.79872 target, the next size uses 10,012.79872', () => {
    const r = run([...BASE, [10010, 10046, 9990, 10040], [10040, 10060, 10040, 10060]], {
      riskPct: 0.06,
      spreadCapBps: 20,
    });
    // second signal: entry 10,060; its ATR and risk come from the state; qty = equity · 0.06 % / risk.
    const s = r.engine.states[0]!;
    expect(s[S.EQUITY_AT_ENTRY]).toBeCloseTo(10000 + (45 * 0.4 - 0.4 * (10000 + 10045) * 0.0016), 9);
    expect(s[S.QTY]).toBeCloseTo((s[S.EQUITY_AT_ENTRY]! * 0.0006) / Math.abs(s[S.ENTRY]! - s[S.STOP]!), 12);
  });
});
