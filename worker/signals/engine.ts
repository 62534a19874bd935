/**
 * The signal engine loop: each closed candle of each configured pair exactly once and in order,
 * stepped through the pure strategy (core/signals/strategy.ts); what it produces (signals, lifecycle
 * changes, equity points) is written with the engine's state in ONE transaction, then relayed to the
 * Redis streams from the outbox exactly once (core/signals/streams.ts). A crash anywhere either
 * loses the whole step (it is redone from the saved state) or none of it.
 *
 * Time is the market's: `clock()` is the sim's accelerated clock on sim, the wall clock for a ccxt
 * venue. Candles of one time are stepped in pair order across pairs, and a pass only goes as far as
 * every pair's fetched history reaches, so the shared track record is deterministic.
 */
import type { Db } from '../../core/db/client.ts';
import type { Logger } from '../../core/logger.ts';
import type { MarketData } from '../../core/market/market-data.ts';
import type { Candle } from '../../core/market/types.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import type { StrategyParams } from '../../core/signals/params.ts';
import { signalOf, sizeOf } from '../../core/signals/signal-json.ts';
import { writeBatch } from '../../core/signals/store.ts';
import {
  BarReactionEngine,
  EVENT_CLOSE,
  EVENT_OPEN,
  S,
  SKIP_REASONS,
  T,
} from '../../core/signals/strategy.ts';
import { relayOutbox } from '../../core/signals/streams.ts';
import {
  type EquityData,
  LATE_AFTER_MS,
  type Signal,
  type SignalMode,
  STRATEGY_ID,
} from '../../core/signals/types.ts';
import { backfilledCandles, candlesProcessed, engineLag, signalOutcomes, signalsOpened } from './metrics.ts';
import { applyState, captureState, cursorOf, loadState, saveState, stateKey } from './state.ts';

const TF = 300_000;
const HOUR = 3_600_000;

export interface EngineOptions {
  readonly db: Db;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  readonly market: MarketData;
  /** The market's clock (epoch ms). */
  readonly clock: () => number;
  readonly pairs: readonly string[];
  readonly params: readonly StrategyParams[];
  /** paper always; live too when live trading is enabled. */
  readonly modes: readonly SignalMode[];
  /** First start: replay this much history. */
  readonly backfillMs: number;
  readonly streamMaxLen: number;
  /** Candles fetched per pair per pass (the exchange may return fewer). */
  readonly pageSize?: number;
  /** Fault-injection seams for the crash test (worker/signals/crash.test.ts); production sets none. */
  readonly hooks?: EngineHooks;
}

export interface EngineHooks {
  /** After a pass's transaction committed, before its outbox rows are relayed. */
  readonly afterCommit?: () => Promise<void>;
  /** Inside the relay: after a batch was appended to Redis, before Postgres marks it published. */
  readonly afterAppend?: () => Promise<void>;
}

export interface PassResult {
  /** Candles processed in this pass, all pairs. */
  readonly candles: number;
  /** True when history remains (another pass right away). */
  readonly more: boolean;
}

type Op =
  | { kind: 'open'; signal: Signal; qty: number; equityAtEntry: number }
  | { kind: 'close'; signal: Signal }
  | { kind: 'equity'; key: string; point: EquityData; signalId?: string };

export class SignalEngine {
  private readonly engine: BarReactionEngine;
  private readonly key: string;
  private lastHour: number | null = null;
  private loaded = false;
  /** Close time of the newest candle processed (all pairs), for the lag. */
  private lastClose = 0;
  lagSeconds = Number.POSITIVE_INFINITY;

  /** Candles in the strategy state, all pairs (since the engine's first start). */
  get candlesSeen(): number {
    let n = 0;
    for (const s of this.engine.states) n += s[S.COUNT]!;
    return n;
  }

  /** Close time (market ms) of the newest candle processed, null before the first. */
  get newestClose(): number | null {
    return this.lastClose || null;
  }

  constructor(private readonly o: EngineOptions) {
    this.engine = new BarReactionEngine(o.params, TF);
    this.key = stateKey(STRATEGY_ID, o.market.exchangeId);
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const saved = await loadState(this.o.db, this.key);
    if (saved) {
      applyState(this.engine, this.o.pairs, saved);
      this.lastHour = saved.lastHour;
    }
    this.loaded = true;
  }

  /** Fetches what closed since each pair's cursor, steps it, commits, relays. */
  async pass(): Promise<PassResult> {
    await this.load();
    const { market, pairs, clock } = this.o;
    const pageSize = this.o.pageSize ?? 1000;
    const now = clock();
    const lastClosedOpen = Math.floor(now / TF) * TF - TF;
    const start = Math.floor((now - this.o.backfillMs) / TF) * TF;
    const fetched = await Promise.all(
      pairs.map(async (pair, i) => {
        const cursor = cursorOf(this.engine, i);
        const since = cursor === undefined ? start : cursor + TF;
        if (since > lastClosedOpen) return { rows: [] as Candle[], full: false };
        const page = await market.candles(pair, '5m', { since, limit: pageSize });
        const rows = page.filter((c) => c.t >= since && c.t + TF <= now);
        return { rows, full: page.length >= pageSize };
      }),
    );
    // A pass goes only as far as every pair's history reaches, so pairs stay in step in time.
    let horizon = Number.POSITIVE_INFINITY;
    for (const f of fetched)
      if (f.full && f.rows.length) horizon = Math.min(horizon, f.rows[f.rows.length - 1]!.t);
    const more = fetched.some((f) => f.full);

    const ops: Op[] = [];
    const before = this.engine.snapshot();
    const lastHourBefore = this.lastHour;
    const idx = pairs.map(() => 0);
    let processed = 0;
    const debug = this.o.logger.isLevelEnabled('debug');
    for (;;) {
      // The next time any pair has a candle at.
      let t = Number.POSITIVE_INFINITY;
      for (let i = 0; i < pairs.length; i++) {
        const c = fetched[i]!.rows[idx[i]!];
        if (c && c.t < t) t = c.t;
      }
      if (t === Number.POSITIVE_INFINITY || t > horizon) break;
      const close = t + TF;
      const late = now - close > LATE_AFTER_MS;
      const hour = Math.floor(close / HOUR) * HOUR;
      if (close > hour) this.hourly(hour, ops); // an hour passed between candles: equity before this step
      for (let i = 0; i < pairs.length; i++) {
        const c = fetched[i]!.rows[idx[i]!];
        if (!c || c.t !== t) continue;
        idx[i]!++;
        const event = this.engine.step(i, c.t, c.o, c.h, c.l, c.c);
        if (event < 0) continue;
        processed++;
        candlesProcessed.inc({ pair: pairs[i] });
        if (late) backfilledCandles.inc({ pair: pairs[i] });
        if (event === EVENT_OPEN || event === EVENT_CLOSE) this.collect(i, event, late, ops);
        else if (debug) {
          const why = SKIP_REASONS[this.engine.states[i]![S.SKIP]!];
          this.o.logger.debug({ pair: pairs[i], candle: new Date(c.t).toISOString(), why }, 'no signal');
        }
      }
      // At least one equity point per hour of market time, at the hour (after this step's closes when
      // it closes on the hour itself).
      if (close === hour) this.hourly(hour, ops);
      this.lastClose = Math.max(this.lastClose, close);
    }

    if (processed > 0 || ops.length > 0) {
      const state = captureState(this.engine, pairs, this.lastHour);
      try {
        await this.o.db.$transaction(
          async (tx) => {
            await writeBatch(
              tx,
              ops.map((op) =>
                op.kind === 'open'
                  ? { kind: 'open', signal: op.signal, size: op }
                  : op.kind === 'close'
                    ? op
                    : { ...op, strategy: STRATEGY_ID },
              ),
            );
            await saveState(tx, this.key, state);
          },
          { timeout: 60_000, maxWait: 10_000 },
        );
      } catch (err) {
        // Forget the pass and read the state again before the next: usually nothing was committed, but
        // a COMMIT whose answer was lost, or a dying predecessor's last commit landing after this
        // engine took over, means the saved state may be ahead of the one in memory.
        this.engine.restore(before);
        this.lastHour = lastHourBefore;
        this.loaded = false;
        throw err;
      }
      await this.o.hooks?.afterCommit?.();
    }
    await relayOutbox(this.o.db, this.o.redis, this.o.keys, {
      maxLen: this.o.streamMaxLen,
      ...(this.o.hooks?.afterAppend ? { afterAppend: this.o.hooks.afterAppend } : {}),
    });
    for (let i = 0; i < pairs.length; i++) {
      const cur = cursorOf(this.engine, i);
      if (cur !== undefined) this.lastClose = Math.max(this.lastClose, cur + TF);
    }
    const behind = this.lastClose ? Math.max(0, lastClosedOpen + TF - this.lastClose) : now - start;
    this.lagSeconds = behind / 1000;
    engineLag.set(this.lagSeconds);
    return { candles: processed, more };
  }

  private hourly(hour: number, ops: Op[]): void {
    if (this.lastHour !== null && hour > this.lastHour)
      for (const mode of this.o.modes) ops.push(this.equityOp(mode, hour, 0, `hour:${hour}`));
    if (this.lastHour === null || hour > this.lastHour) this.lastHour = hour;
  }

  private equityOp(mode: SignalMode, time: number, pnl: number, what: string, signalId?: string): Op {
    return {
      kind: 'equity',
      key: `${mode}:${STRATEGY_ID}:${what}`,
      point: {
        time: new Date(time).toISOString(),
        equity: this.engine.track[T.EQUITY]!,
        pnl,
        drawdownPct: this.engine.drawdownPct(),
        open: this.engine.track[T.OPEN_COUNT]!,
        mode,
      },
      ...(signalId ? { signalId } : {}),
    };
  }

  private collect(i: number, event: number, late: boolean, ops: Op[]): void {
    const pair = this.o.pairs[i]!;
    const exchange = this.o.market.exchangeId;
    const s = this.engine.states[i]!;
    // The late mark lives in the strategy state (persisted with it), so the lifecycle entry of a
    // signal opened late, in this pass or before a restart, still says so.
    if (event === EVENT_OPEN && late) s[S.FLAGS] = 1;
    for (const mode of this.o.modes) {
      const plain = signalOf(this.engine, i, { exchange, pair, mode, timeframe: '5m' });
      const signal = s[S.FLAGS] === 1 ? { ...plain, late: true } : plain;
      if (event === EVENT_OPEN) {
        ops.push({ kind: 'open', signal, ...sizeOf(this.engine, i) });
      } else {
        ops.push({ kind: 'close', signal });
        ops.push(
          this.equityOp(
            mode,
            Date.parse(signal.exit!.time),
            signal.exit!.pnl,
            `close:${signal.id}`,
            signal.id,
          ),
        );
      }
    }
    if (event === EVENT_OPEN) signalsOpened.inc({ pair, side: s[S.K]! > 0 ? 'long' : 'short' });
    else
      signalOutcomes.inc({
        pair,
        outcome: ['', 'target', 'stop', 'expired'][s[S.EXIT_REASON]!] ?? 'unknown',
      });
  }
}
