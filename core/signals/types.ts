/**
 * The public shapes of SIGNALS.md as zod schemas and types: a signal (with its exit once closed), the
 * entries of the `signals:<mode>` and `pnl:equity` streams, and the statistics of /v1/performance.
 * The API, the broadcaster and the dashboard parse what they read with these; names are a contract
 * (add fields, never rename).
 */
import { z } from 'zod';

export const STRATEGY_ID = 'bar_reaction_5m';
export const SIGNAL_TIMEFRAME = '5m';
/** A candle processed this long (market clock) after its close makes a `late` signal. */
export const LATE_AFTER_MS = 10 * 60_000;

export const SIGNAL_MODES = ['paper', 'live'] as const;
export type SignalMode = (typeof SIGNAL_MODES)[number];
export const SIGNAL_SIDES = ['long', 'short'] as const;
export type SignalSide = (typeof SIGNAL_SIDES)[number];
export const SIGNAL_STATUSES = ['open', 'target', 'stop', 'expired', 'cancelled'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export type ExitReason = Exclude<SignalStatus, 'open'>;

/** `bar_reaction_5m:BTC-USD:1673481000000`. */
export type SignalId = string & { readonly __brand: 'SignalId' };

/** The deterministic id: strategy, pair (slash → dash) and candle open time. */
export function signalId(pair: string, candleTime: number, strategy = STRATEGY_ID): SignalId {
  return `${strategy}:${pair.replace('/', '-')}:${candleTime}` as SignalId;
}

const isoTime = z.iso.datetime({ offset: true });

export const signalExitSchema = z.object({
  price: z.number(),
  time: isoTime,
  reason: z.enum(['target', 'stop', 'expired', 'cancelled']),
  /** Gross price move in units of the initial risk |entry − stopLoss|. */
  r: z.number(),
  /** Track-record profit after fees, in the quote currency. */
  pnl: z.number(),
  /** pnl as % of the track-record equity when the signal opened. */
  pnlPct: z.number(),
});
export type SignalExit = z.infer<typeof signalExitSchema>;

export const signalSchema = z.object({
  id: z.string().transform((s) => s as SignalId),
  strategy: z.string(),
  exchange: z.string(),
  pair: z.string(),
  timeframe: z.string(),
  mode: z.enum(SIGNAL_MODES),
  side: z.enum(SIGNAL_SIDES),
  entry: z.number(),
  stopLoss: z.number(),
  takeProfit1: z.number(),
  takeProfit: z.number(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  candleTime: z.number().int(),
  time: isoTime,
  status: z.enum(SIGNAL_STATUSES),
  exit: signalExitSchema.nullable(),
  /** Present (true) only on a back-filled signal; absent or false means fresh. */
  late: z.boolean().optional(),
});
export type Signal = z.infer<typeof signalSchema>;

export const equityDataSchema = z.object({
  time: isoTime,
  equity: z.number(),
  /** PnL of the signal that closed (0 for an hourly point). */
  pnl: z.number(),
  drawdownPct: z.number(),
  /** Signals open at that time. */
  open: z.number().int().min(0),
  mode: z.enum(SIGNAL_MODES),
});
export type EquityData = z.infer<typeof equityDataSchema>;

/** One stream entry as a reader sees it: `type` plus `data` parsed from its JSON field. */
export const signalEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('signal'), data: signalSchema }),
  z.object({ type: z.literal('lifecycle'), data: signalSchema }),
]);
export type SignalEntry = z.infer<typeof signalEntrySchema>;
export const equityEntrySchema = z.object({ type: z.literal('equity'), data: equityDataSchema });
export type EquityEntry = z.infer<typeof equityEntrySchema>;
export type StreamEntry = SignalEntry | EquityEntry;

export const statsSchema = z.object({
  signals: z.number().int(),
  closed: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  winRate: z.number().nullable(),
  /** Gross profit of winners / gross loss of losers, after fees; null without a loser. */
  profitFactor: z.number().nullable(),
  expectancyR: z.number().nullable(),
  avgWinPct: z.number().nullable(),
  avgLossPct: z.number().nullable(),
  avgWin: z.number().nullable(),
  avgLoss: z.number().nullable(),
  netPnl: z.number(),
  returnPct: z.number(),
  maxDrawdownPct: z.number(),
  /** Mean / standard deviation of per-signal % returns, × √(closed signals per year). */
  sharpe: z.number().nullable(),
  /** % of the period with at least one signal open. */
  exposurePct: z.number(),
  longestLosingStreak: z.number().int(),
});
export type Stats = z.infer<typeof statsSchema>;
