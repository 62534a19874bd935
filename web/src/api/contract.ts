/**
 * The public contract of ../shared/SIGNALS.md as the dashboard reads it, validated at the boundary.
 * zod/mini keeps the validator small enough for the 150 kB budget. Objects strip fields they do not
 * name, so new fields on the server never break the page (the contract only ever adds fields).
 */
import * as z from 'zod/mini';

export const MODES = ['paper', 'live'] as const;
export type Mode = (typeof MODES)[number];

/** Terminal statuses of SIGNALS.md; an unknown future status is shown as it is, never dropped. */
export const CLOSED_STATUSES = ['target', 'stop', 'expired', 'cancelled'] as const;

const exitSchema = z.object({
  price: z.number(),
  time: z.string(),
  reason: z.optional(z.nullable(z.string())),
  r: z.nullable(z.number()),
  pnl: z.optional(z.nullable(z.number())),
  pnlPct: z.nullable(z.number()),
});

export const signalSchema = z.object({
  id: z.string(),
  strategy: z.optional(z.string()),
  exchange: z.optional(z.string()),
  pair: z.string(),
  timeframe: z.optional(z.string()),
  mode: z.enum(MODES),
  side: z.enum(['long', 'short']),
  entry: z.number(),
  stopLoss: z.number(),
  takeProfit1: z.optional(z.nullable(z.number())),
  takeProfit: z.number(),
  confidence: z.number(),
  reason: z.string(),
  candleTime: z.number(),
  time: z.string(),
  status: z.string(),
  exit: z.optional(z.nullable(exitSchema)),
  late: z.optional(z.boolean()),
});
export type Signal = z.infer<typeof signalSchema>;
export type SignalExit = z.infer<typeof exitSchema>;

export const signalPageSchema = z.object({
  items: z.array(signalSchema),
  nextCursor: z.nullable(z.optional(z.string())),
});
export type SignalPage = z.infer<typeof signalPageSchema>;

export const pnlSchema = z.object({
  mode: z.string(),
  points: z.array(z.object({ time: z.string(), equity: z.number(), drawdownPct: z.number() })),
});
export type Pnl = z.infer<typeof pnlSchema>;

const num = z.nullable(z.number());
export const statsSchema = z.object({
  signals: z.number(),
  closed: z.number(),
  wins: z.number(),
  losses: z.number(),
  winRate: num,
  profitFactor: num,
  expectancyR: num,
  avgWinPct: num,
  avgLossPct: num,
  netPnl: num,
  returnPct: num,
  maxDrawdownPct: num,
  sharpe: num,
});
export type Stats = z.infer<typeof statsSchema>;

export const performanceSchema = z.object({
  mode: z.string(),
  overall: statsSchema,
  byPair: z.record(z.string(), statsSchema),
});
export type Performance = z.infer<typeof performanceSchema>;

/** One 5m bar, whatever shape /v1/candles uses for it: ccxt arrays or objects with short or long keys. */
export interface Bar {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
}

const tupleBar = z.pipe(
  z.array(z.number()).check(z.minLength(5)),
  z.transform((a): Bar => ({ t: a[0]!, o: a[1]!, h: a[2]!, l: a[3]!, c: a[4]! })),
);
const shortBar = z.pipe(
  z.object({ t: z.number(), o: z.number(), h: z.number(), l: z.number(), c: z.number() }),
  z.transform((b): Bar => b),
);
const longBar = z.pipe(
  z.object({
    time: z.union([z.number(), z.string()]),
    open: z.number(),
    high: z.number(),
    low: z.number(),
    close: z.number(),
  }),
  z.transform(
    (b): Bar => ({
      t: typeof b.time === 'number' ? b.time : Date.parse(b.time),
      o: b.open,
      h: b.high,
      l: b.low,
      c: b.close,
    }),
  ),
);
const barSchema = z.union([tupleBar, shortBar, longBar]);

export const candlesSchema = z.pipe(
  z.union([
    z.array(barSchema),
    z.object({
      candles: z.array(barSchema),
      pricePrecision: z.optional(z.number()),
      priceStep: z.optional(z.union([z.number(), z.string()])),
    }),
  ]),
  z.transform((v): CandleSet => {
    if (Array.isArray(v)) return { bars: v };
    return { bars: v.candles, digits: v.pricePrecision ?? digitsOfStep(v.priceStep) };
  }),
);
export interface CandleSet {
  readonly bars: readonly Bar[];
  /** Decimal places of the market's prices when the server says so. */
  readonly digits?: number | undefined;
}

function digitsOfStep(step: number | string | undefined): number | undefined {
  if (step === undefined) return undefined;
  const s = typeof step === 'number' ? String(step) : step;
  const m = /e-(\d+)$/.exec(s);
  if (m) return Number(m[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** The error body of every route. */
/** GET /v1/session: the dashboard session the browser's cookie stands for, or null. */
export const currentSessionSchema = z.object({
  session: z.nullable(
    z.object({
      expiresInSeconds: z.number(),
      key: z.object({ prefix: z.string(), name: z.string() }),
    }),
  ),
});
export type CurrentSession = z.infer<typeof currentSessionSchema>;

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
