/**
 * `sim`: the deterministic simulated venue behind the MarketData interface. Prices come from a seeded
 * PricePath per pair; candles sample that path, so OHLC is always consistent (low ≤ open, close ≤ high)
 * and history is available for any range. `speed` > 1 runs simulated time faster than the wall clock
 * for demos, but never ahead of it: the simulated clock starts `leadMs` behind the wall clock at
 * `start` (default: when this process started), runs `speed`× until it has caught up, then in real
 * time. So what a user sees (signals, fills, charts) is never dated in the future; a demo that has
 * run for `leadMs / (speed − 1)` shows today's real times at a real pace.
 */

import { AppError } from '../../errors.ts';
import { Decimal, dec, roundToStep } from '../decimal.ts';
import {
  type CandleQuery,
  DEFAULT_CANDLE_LIMIT,
  MAX_CANDLE_LIMIT,
  type MarketData,
  type MarketInfo,
  type Ticker,
} from '../market-data.ts';
import { rememberPrecision } from '../precision.ts';
import { pickMarket } from '../symbols.ts';
import { type Candle, type Timeframe, timeframeMs } from '../types.ts';
import { SIM_PAIRS, SIM_TAKER_FEE, type SimPair } from './pairs.ts';
import { hashString, PricePath, uniform } from './price-path.ts';

/** When this process started: the default start of accelerated time (one value for every instance). */
const PROCESS_START = Math.floor(performance.timeOrigin);
/** How far behind the wall clock accelerated time starts, by default. */
export const DEFAULT_SIM_LEAD_MS = 24 * 3_600_000;
const SAMPLE_MS = 10_000;
const MAX_SAMPLES = 240;
const SPREAD = 0.0002;

export interface SimMarketOptions {
  readonly seed?: number;
  /** Simulated minutes per wall-clock minute (default 1: real time). */
  readonly speed?: number;
  /** Wall clock (epoch ms); tests pass a frozen or stepped clock. */
  readonly clock?: () => number;
  /** With speed > 1: the wall instant accelerated time starts (processes sharing a sim pass the same). */
  readonly start?: number;
  /** With speed > 1: how far behind the wall clock the simulated clock is at `start`. */
  readonly leadMs?: number;
}

interface SimState {
  readonly pair: SimPair;
  readonly path: PricePath;
  readonly seed: number;
  readonly info: MarketInfo;
}

export class SimMarketData implements MarketData {
  readonly exchangeId = 'sim';
  private readonly pairs = new Map<string, SimState>();
  private readonly clock: () => number;
  private readonly speed: number;
  private readonly start: number;
  private readonly leadMs: number;

  constructor(options: SimMarketOptions = {}) {
    const seed = options.seed ?? 42;
    this.clock = options.clock ?? Date.now;
    this.speed = options.speed ?? 1;
    this.start = options.start ?? PROCESS_START;
    this.leadMs = options.leadMs ?? DEFAULT_SIM_LEAD_MS;
    for (const pair of SIM_PAIRS) {
      const pairSeed = hashString(`${seed}:${pair.symbol}`);
      this.pairs.set(pair.symbol, {
        pair,
        seed: pairSeed,
        path: new PricePath(pairSeed, pair.price, pair.dailyVol),
        info: {
          symbol: pair.symbol,
          base: pair.base,
          quote: pair.quote,
          active: true,
          amountStep: pair.amountStep,
          priceStep: pair.priceStep,
          minAmount: pair.minAmount,
          minCost: pair.minCost,
          takerFee: SIM_TAKER_FEE,
        },
      });
    }
  }

  /** The simulated instant for the current wall-clock time (never later than the wall clock). */
  now(): number {
    const wall = this.clock();
    if (this.speed === 1) return wall;
    const accelerated = this.start - this.leadMs + (wall - this.start) * this.speed;
    return Math.floor(Math.min(wall, accelerated));
  }

  async markets(): Promise<readonly MarketInfo[]> {
    const markets = [...this.pairs.values()].map((s) => s.info);
    rememberPrecision(markets);
    return markets;
  }

  async resolveMarket(input: string): Promise<MarketInfo> {
    return pickMarket(await this.markets(), input);
  }

  private state(symbol: string): SimState {
    const s = this.pairs.get(symbol);
    if (!s) throw new AppError('ERR_UNKNOWN_SYMBOL', `sim does not list ${symbol}`);
    return s;
  }

  /** `price` on the pair's tick, exactly: what a venue would quote. */
  private onTick(s: SimState, price: number): Decimal {
    return roundToStep(dec(price), dec(s.pair.priceStep), Decimal.ROUND_HALF_EVEN);
  }

  private rounded(s: SimState, price: number): number {
    return this.onTick(s, price).toNumber();
  }

  /** The exact (unrounded) simulated price of `symbol` at sim time `t`. */
  priceAt(symbol: string, t: number): number {
    return this.state(symbol).path.at(t);
  }

  async ticker(symbol: string): Promise<Ticker> {
    const s = this.state(symbol);
    const now = this.now();
    const last = s.path.at(now);
    const hourly = Array.from({ length: 25 }, (_, i) => s.path.at(now - i * 3_600_000));
    return {
      symbol,
      last: this.onTick(s, last),
      bid: this.onTick(s, last * (1 - SPREAD / 2)),
      ask: this.onTick(s, last * (1 + SPREAD / 2)),
      high24h: this.rounded(s, Math.max(...hourly)),
      low24h: this.rounded(s, Math.min(...hourly)),
      open24h: this.rounded(s, hourly[24]!),
      baseVolume24h: Math.round(s.pair.volumePerMinute * 1440 * 100) / 100,
      at: now,
    };
  }

  async candles(symbol: string, timeframe: Timeframe, query: CandleQuery = {}): Promise<readonly Candle[]> {
    const s = this.state(symbol);
    const tf = timeframeMs(timeframe);
    const limit = Math.max(1, Math.min(query.limit ?? DEFAULT_CANDLE_LIMIT, MAX_CANDLE_LIMIT));
    const now = this.now();
    const lastOpen = Math.floor(now / tf) * tf;
    let t = query.since === undefined ? lastOpen - (limit - 1) * tf : Math.floor(query.since / tf) * tf;
    const out: Candle[] = [];
    for (; t <= lastOpen && out.length < limit; t += tf) out.push(this.candle(s, t, tf, now));
    return out;
  }

  private candle(s: SimState, t: number, tf: number, now: number): Candle {
    const end = Math.min(t + tf, now);
    const samples = Math.max(2, Math.min(MAX_SAMPLES, Math.round(tf / SAMPLE_MS)));
    const dt = (end - t) / samples;
    const o = s.path.at(t);
    let h = o;
    let l = o;
    let c = o;
    for (let k = 1; k <= samples; k++) {
      c = s.path.at(t + k * dt);
      if (c > h) h = c;
      if (c < l) l = c;
    }
    // Busier when the price moves, with some noise of its own.
    const noise = uniform(s.seed, 1000 + Math.round(tf / 60_000), Math.floor(t / tf));
    const minutes = (end - t) / 60_000;
    const v = s.pair.volumePerMinute * minutes * (0.6 + 0.8 * noise) * (1 + 25 * Math.abs(Math.log(c / o)));
    return {
      t,
      o: this.rounded(s, o),
      h: this.rounded(s, h),
      l: this.rounded(s, l),
      c: this.rounded(s, c),
      v: Math.round(v * 1e4) / 1e4,
    };
  }

  async close(): Promise<void> {}
}

/** The sim's options from the install's settings (SIM_SEED, SIM_SPEED, SIM_LEAD_HOURS, SIM_START). */
export function simOptions(config: {
  readonly SIM_SEED: number;
  readonly SIM_SPEED: number;
  readonly SIM_LEAD_HOURS: number;
  readonly SIM_START?: number | undefined;
}): SimMarketOptions {
  return {
    seed: config.SIM_SEED,
    speed: config.SIM_SPEED,
    leadMs: config.SIM_LEAD_HOURS * 3_600_000,
    ...(config.SIM_START === undefined ? {} : { start: config.SIM_START }),
  };
}
