/**
 * The strategy over a candle history of one pair, in memory: the same BarReactionEngine the live role
 * steps, so a backtest and the live engine produce the same signals from the same candles.
 */
import type { StrategyParams } from './params.ts';
import { type SignalMeta, signalOf } from './signal-json.ts';
import { computeStats } from './stats.ts';
import { BarReactionEngine, EVENT_CLOSE, EVENT_OPEN, S, T } from './strategy.ts';
import type { EquityData, Signal, Stats } from './types.ts';

/** Candles as columns (no object per candle). */
export interface CandleColumns {
  readonly length: number;
  readonly t: Float64Array;
  readonly o: Float64Array;
  readonly h: Float64Array;
  readonly l: Float64Array;
  readonly c: Float64Array;
}

export interface BacktestResult {
  readonly params: StrategyParams;
  readonly period: { readonly from: string | null; readonly to: string | null; readonly candles: number };
  readonly signals: Signal[];
  readonly stats: Stats;
  /** The start, then one point per closed signal. */
  readonly equity: EquityData[];
}

export interface BacktestOptions {
  readonly timeframeMs?: number;
  /** Called every `progressEvery` candles with the count done. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

export function runBacktest(
  candles: CandleColumns,
  params: StrategyParams,
  meta: SignalMeta,
  options: BacktestOptions = {},
): BacktestResult {
  const tf = options.timeframeMs ?? 300_000;
  const engine = new BarReactionEngine([params], tf);
  const { t, o, h, l, c, length } = candles;
  const signals: Signal[] = [];
  const equityAtEntry: number[] = [];
  const equity: EquityData[] = [];
  const state = engine.states[0]!;
  if (length > 0) {
    equity.push({
      time: new Date(t[0]!).toISOString(),
      equity: params.startEquity,
      pnl: 0,
      drawdownPct: 0,
      open: 0,
      mode: meta.mode,
    });
  }
  const every = options.progressEvery ?? 1_000_000;
  let openAt = -1;
  for (let i = 0; i < length; i++) {
    const event = engine.step(0, t[i]!, o[i]!, h[i]!, l[i]!, c[i]!);
    if (event === EVENT_OPEN) {
      openAt = signals.length;
      signals.push(signalOf(engine, 0, meta));
      equityAtEntry.push(state[S.EQUITY_AT_ENTRY]!);
    } else if (event === EVENT_CLOSE) {
      signals[openAt] = signalOf(engine, 0, meta);
      equity.push({
        time: new Date(state[S.EXIT_TIME]!).toISOString(),
        equity: engine.track[T.EQUITY]!,
        pnl: state[S.EXIT_PNL]!,
        drawdownPct: engine.drawdownPct(),
        open: engine.track[T.OPEN_COUNT]!,
        mode: meta.mode,
      });
    }
    if (options.onProgress && i % every === every - 1) options.onProgress(i + 1);
  }
  const trades = signals.flatMap((s, i) =>
    s.exit
      ? [
          {
            time: Date.parse(s.time),
            exitTime: Date.parse(s.exit.time),
            r: s.exit.r,
            pnl: s.exit.pnl,
            pnlPct: s.exit.pnlPct,
            equityAtEntry: equityAtEntry[i]!,
          },
        ]
      : [],
  );
  const stats = computeStats(trades, signals.length - trades.length, params.startEquity);
  return {
    params,
    period: {
      from: length ? new Date(t[0]!).toISOString() : null,
      to: length ? new Date(t[length - 1]! + tf).toISOString() : null,
      candles: length,
    },
    signals,
    stats,
    equity,
  };
}
