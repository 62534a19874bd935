/**
 * Bar Reaction 5M (STRATEGY.md) as a pure streaming function: one call per closed candle, O(1) work,
 * no allocation, no I/O, no clock. Per pair the state is one Float64Array (ATR ring, open signal,
 * last exit); the pairs share one track-record equity (`track`). The lifecycle and the track-record
 * arithmetic live here too, so the live engine and the backtest cannot drift apart.
 *
 * Arithmetic is written as the rules state it, with multiplications before divisions where that keeps
 * exact inputs exact (ATR·100/close rather than ATR/close·100): the rule tests hit the band edges
 * exactly. ATR sums the ring in slot order every candle (no running sum, so no drift).
 *
 * `step` returns what happened; the caller reads the details from the state (see signal-json.ts).
 * Across pairs, candles of one time are stepped in pair order, so equity and sizing are deterministic.
 */
import type { StrategyParams } from './params.ts';

export const EVENT_IGNORED = -1; // older than or equal to the pair's last candle: processed once only
export const EVENT_NONE = 0;
export const EVENT_OPEN = 1;
export const EVENT_CLOSE = 2;

export const EXIT_TARGET = 1;
export const EXIT_STOP = 2;
export const EXIT_EXPIRED = 3;

/** Why the last candle did not fire (debug logs only). */
export const SKIP_REASONS = [
  '',
  'warm-up',
  'a signal is open',
  'ATR outside the band',
  'spread above the cap',
  'bar below the trigger',
  'zero risk',
] as const;

/** Slots of a pair's state. */
export const S = {
  COUNT: 0,
  PREV_CLOSE: 1,
  RING_POS: 2,
  LAST_T: 3,
  OPEN: 4,
  K: 5,
  ENTRY: 6,
  STOP: 7,
  TP1: 8,
  TP: 9,
  SIGNAL_TIME: 10,
  CANDLE_TIME: 11,
  QTY: 12,
  EQUITY_AT_ENTRY: 13,
  CONFIDENCE: 14,
  ATR: 15,
  MOVE_BPS: 16,
  ATR_PCT: 17,
  EXIT_REASON: 18,
  EXIT_PRICE: 19,
  EXIT_TIME: 20,
  EXIT_R: 21,
  EXIT_PNL: 22,
  EXIT_PNL_PCT: 23,
  SKIP: 24,
  /** The caller's own mark on the current signal (the role: 1 = late); zeroed when a signal opens. */
  FLAGS: 25,
  RING: 32,
} as const;

/** Slots of the shared track record. */
export const T = { EQUITY: 0, PEAK: 1, OPEN_COUNT: 2, MAX_DD: 3, CLOSED: 4 } as const;

/** The numbers `step` needs, precomputed once per pair. */
interface Compiled {
  readonly k: number; // +1 trend, −1 revert
  readonly triggerBps: number;
  readonly minAtrPct: number;
  readonly maxAtrPct: number;
  readonly period: number;
  readonly slAtr: number;
  readonly tp1Atr: number;
  readonly tp2Atr: number;
  readonly spreadCapBps: number;
  readonly maxHoldMs: number;
  readonly maker: number; // fraction
  readonly taker: number;
  readonly riskPct: number;
  readonly maxNotionalPct: number;
  readonly mid: number;
  readonly half: number;
  readonly factor: number; // 10^priceDecimals, 0 = unrounded
}

function compile(p: StrategyParams): Compiled {
  return {
    k: p.mode === 'revert' ? -1 : 1,
    triggerBps: p.triggerBps,
    minAtrPct: p.minAtrPct,
    maxAtrPct: p.maxAtrPct,
    period: p.atrPeriod,
    slAtr: p.slAtr,
    tp1Atr: p.tp1Atr,
    tp2Atr: p.tp2Atr,
    spreadCapBps: p.spreadCapBps,
    maxHoldMs: p.maxHoldMinutes * 60_000,
    maker: p.makerFeeBps / 10_000,
    taker: p.takerFeeBps / 10_000,
    riskPct: p.riskPct,
    maxNotionalPct: p.maxNotionalPct,
    mid: (p.minAtrPct + p.maxAtrPct) / 2,
    half: (p.maxAtrPct - p.minAtrPct) / 2,
    factor: p.priceDecimals === undefined ? 0 : 10 ** p.priceDecimals,
  };
}

export interface EngineSnapshot {
  readonly v: 1;
  readonly track: number[];
  readonly pairs: number[][];
}

export class BarReactionEngine {
  readonly track: Float64Array;
  readonly states: Float64Array[];
  private readonly compiled: Compiled[];

  /**
   * One entry of `params` per pair, in the order candles of one time are stepped. The equity starts
   * at the first pair's `startEquity`. `timeframeMs` is the candle length (5 minutes).
   */
  constructor(
    readonly params: readonly StrategyParams[],
    readonly timeframeMs = 300_000,
  ) {
    this.compiled = params.map(compile);
    this.states = params.map((p) => new Float64Array(S.RING + p.atrPeriod));
    const start = params[0]?.startEquity ?? 10_000;
    this.track = new Float64Array([start, start, 0, 0, 0]);
  }

  /** Steps pair `i` over the closed candle opening at `t`. */
  step(i: number, t: number, o: number, h: number, l: number, c: number): number {
    const s = this.states[i]!;
    const p = this.compiled[i]!;
    const n = s[S.COUNT]!;
    if (n > 0 && t <= s[S.LAST_T]!) return EVENT_IGNORED;
    s[S.LAST_T] = t;

    // True range against the previous candle that exists (a missing candle is not invented).
    let tr = h - l;
    if (n > 0) {
      const pc = s[S.PREV_CLOSE]!;
      const up = h > pc ? h - pc : pc - h;
      const down = l > pc ? l - pc : pc - l;
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    const period = p.period;
    const pos = s[S.RING_POS]!;
    s[S.RING + pos] = tr;
    s[S.RING_POS] = pos + 1 === period ? 0 : pos + 1;
    s[S.PREV_CLOSE] = c;
    const count = n + 1;
    s[S.COUNT] = count;
    const closeTime = t + this.timeframeMs;

    if (s[S.OPEN] === 1) {
      const k = s[S.K]!;
      const stop = s[S.STOP]!;
      const tp = s[S.TP]!;
      let reason = 0;
      let price = 0;
      // A candle touching both the stop and the target is a stop (the conservative reading).
      if (k > 0) {
        if (l <= stop) {
          reason = EXIT_STOP;
          price = Math.min(stop, o);
        } else if (h >= tp) {
          reason = EXIT_TARGET;
          price = tp;
        }
      } else if (h >= stop) {
        reason = EXIT_STOP;
        price = Math.max(stop, o);
      } else if (l <= tp) {
        reason = EXIT_TARGET;
        price = tp;
      }
      if (reason === 0 && closeTime - s[S.SIGNAL_TIME]! >= p.maxHoldMs) {
        reason = EXIT_EXPIRED;
        price = c;
      }
      if (reason === 0) {
        s[S.SKIP] = 2;
        return EVENT_NONE;
      }
      this.close(s, p, reason, price, closeTime);
      return EVENT_CLOSE; // the candle that closes a signal cannot open the next
    }

    if (count <= period) {
      s[S.SKIP] = 1;
      return EVENT_NONE;
    }
    let sum = 0;
    for (let j = S.RING, end = S.RING + period; j < end; j++) sum += s[j]!;
    const atr = sum / period;
    const atrPct = (atr * 100) / c;
    if (atrPct < p.minAtrPct || atrPct > p.maxAtrPct) {
      s[S.SKIP] = 3;
      return EVENT_NONE;
    }
    const rawSpread = ((h - l) * 3_500) / c; // (high − low) / close × 10,000 × 0.35
    if (Math.max(rawSpread, 2) > p.spreadCapBps) {
      s[S.SKIP] = 4;
      return EVENT_NONE;
    }
    const move = ((c - o) * 10_000) / o;
    const absMove = move < 0 ? -move : move;
    if (absMove < p.triggerBps) {
      s[S.SKIP] = 5;
      return EVENT_NONE;
    }

    const k = move > 0 ? p.k : -p.k;
    const f = p.factor;
    const entry = c;
    let stop = entry - k * p.slAtr * atr;
    let tp1 = entry + k * p.tp1Atr * atr;
    let tp = entry + k * p.tp2Atr * atr;
    if (f > 0) {
      stop = Math.round(stop * f) / f;
      tp1 = Math.round(tp1 * f) / f;
      tp = Math.round(tp * f) / f;
    }
    const risk = entry > stop ? entry - stop : stop - entry;
    if (!(risk > 0)) {
      s[S.SKIP] = 6;
      return EVENT_NONE;
    }
    let q = p.half > 0 ? 1 - Math.abs(atrPct - p.mid) / p.half : 1;
    if (q < 0) q = 0;
    else if (q > 1) q = 1;
    const boost = (0.1 * absMove) / p.triggerBps;
    const confidence = Math.min(0.9, 0.6 + Math.min(boost, 0.2) + 0.1 * q);

    const equity = this.track[T.EQUITY]!;
    const byRisk = (equity * p.riskPct) / 100 / risk;
    const byNotional = (equity * p.maxNotionalPct) / 100 / entry;

    s[S.OPEN] = 1;
    s[S.K] = k;
    s[S.ENTRY] = entry;
    s[S.STOP] = stop;
    s[S.TP1] = tp1;
    s[S.TP] = tp;
    s[S.SIGNAL_TIME] = closeTime;
    s[S.CANDLE_TIME] = t;
    s[S.QTY] = Math.min(byRisk, byNotional);
    s[S.EQUITY_AT_ENTRY] = equity;
    s[S.CONFIDENCE] = Math.round(confidence * 1000) / 1000;
    s[S.ATR] = atr;
    s[S.MOVE_BPS] = move;
    s[S.ATR_PCT] = atrPct;
    s[S.EXIT_REASON] = 0;
    s[S.SKIP] = 0;
    s[S.FLAGS] = 0;
    this.track[T.OPEN_COUNT]!++;
    return EVENT_OPEN;
  }

  private close(s: Float64Array, p: Compiled, reason: number, price: number, time: number): void {
    const k = s[S.K]!;
    const entry = s[S.ENTRY]!;
    const qty = s[S.QTY]!;
    const stop = s[S.STOP]!;
    const risk = entry > stop ? entry - stop : stop - entry;
    const gross = k * (price - entry) * qty;
    // Entry pays the maker fee; a target exit the maker fee, a stop or expiry the taker fee.
    const fees = entry * qty * p.maker + price * qty * (reason === EXIT_TARGET ? p.maker : p.taker);
    const pnl = gross - fees;
    const track = this.track;
    const equity = track[T.EQUITY]! + pnl;
    track[T.EQUITY] = equity;
    if (equity > track[T.PEAK]!) track[T.PEAK] = equity;
    const dd = ((track[T.PEAK]! - equity) / track[T.PEAK]!) * 100;
    if (dd > track[T.MAX_DD]!) track[T.MAX_DD] = dd;
    track[T.OPEN_COUNT]!--;
    track[T.CLOSED]!++;
    s[S.OPEN] = 0;
    s[S.EXIT_REASON] = reason;
    s[S.EXIT_PRICE] = price;
    s[S.EXIT_TIME] = time;
    s[S.EXIT_R] = (k * (price - entry)) / risk;
    s[S.EXIT_PNL] = pnl;
    s[S.EXIT_PNL_PCT] = (pnl / s[S.EQUITY_AT_ENTRY]!) * 100;
  }

  /** Current drawdown of the equity from its running peak, in %. */
  drawdownPct(): number {
    const peak = this.track[T.PEAK]!;
    return peak > 0 ? ((peak - this.track[T.EQUITY]!) / peak) * 100 : 0;
  }

  /** Plain numbers (JSON round-trips doubles exactly) for persistence. */
  snapshot(): EngineSnapshot {
    return { v: 1, track: Array.from(this.track), pairs: this.states.map((s) => Array.from(s)) };
  }

  /** Restores a snapshot taken with the same pairs and ATR periods; false when it does not fit. */
  restore(snap: EngineSnapshot): boolean {
    if (snap.v !== 1 || snap.pairs.length !== this.states.length || snap.track.length !== this.track.length)
      return false;
    if (snap.pairs.some((p, i) => p.length !== this.states[i]!.length)) return false;
    this.track.set(snap.track);
    for (const [i, p] of snap.pairs.entries()) this.states[i]!.set(p);
    return true;
  }
}
