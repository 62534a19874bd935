/** The SIGNALS.md JSON of a pair's current (or just closed) signal, read from the engine's state. */
import { signed } from '../format/numbers.ts';
import { type BarReactionEngine, EXIT_EXPIRED, EXIT_STOP, EXIT_TARGET, S } from './strategy.ts';
import { type ExitReason, type Signal, type SignalMode, STRATEGY_ID, signalId } from './types.ts';

export interface SignalMeta {
  readonly exchange: string;
  readonly pair: string;
  readonly mode: SignalMode;
  /** "5m". */
  readonly timeframe: string;
}

const EXIT_NAMES: Record<number, ExitReason> = {
  [EXIT_TARGET]: 'target',
  [EXIT_STOP]: 'stop',
  [EXIT_EXPIRED]: 'expired',
};

/** "5m bar +13.1 bps, ATR 0.20% of price". */
export function reasonText(timeframe: string, moveBps: number, atrPct: number): string {
  return `${timeframe} bar ${signed(moveBps, 1)} bps, ATR ${atrPct.toFixed(2)}% of price`;
}

/** The signal of pair `i` as it stands after the last step (open, or closed by that step). */
export function signalOf(engine: BarReactionEngine, i: number, meta: SignalMeta): Signal {
  const s = engine.states[i]!;
  const candleTime = s[S.CANDLE_TIME]!;
  const exitReason = s[S.OPEN] === 1 ? undefined : EXIT_NAMES[s[S.EXIT_REASON]!];
  return {
    id: signalId(meta.pair, candleTime),
    strategy: STRATEGY_ID,
    exchange: meta.exchange,
    pair: meta.pair,
    timeframe: meta.timeframe,
    mode: meta.mode,
    side: s[S.K]! > 0 ? 'long' : 'short',
    entry: s[S.ENTRY]!,
    stopLoss: s[S.STOP]!,
    takeProfit1: s[S.TP1]!,
    takeProfit: s[S.TP]!,
    confidence: s[S.CONFIDENCE]!,
    reason: reasonText(meta.timeframe, s[S.MOVE_BPS]!, s[S.ATR_PCT]!),
    candleTime,
    time: new Date(s[S.SIGNAL_TIME]!).toISOString(),
    status: exitReason ?? 'open',
    exit: exitReason
      ? {
          price: s[S.EXIT_PRICE]!,
          time: new Date(s[S.EXIT_TIME]!).toISOString(),
          reason: exitReason,
          r: s[S.EXIT_R]!,
          pnl: s[S.EXIT_PNL]!,
          pnlPct: s[S.EXIT_PNL_PCT]!,
        }
      : null,
  };
}

/** Track-record size of pair `i`'s current signal. */
export function sizeOf(engine: BarReactionEngine, i: number): { qty: number; equityAtEntry: number } {
  const s = engine.states[i]!;
  return { qty: s[S.QTY]!, equityAtEntry: s[S.EQUITY_AT_ENTRY]! };
}
