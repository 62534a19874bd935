/**
 * Response schemas of /v1, built from core/signals' own zod shapes (the contract's one definition).
 * Response schemas are encoded, not parsed, so one-way transforms (the branded id) are replaced by
 * their plain output type here.
 */
import { z } from 'zod';
import { equityDataSchema, signalSchema, statsSchema } from '../../core/signals/types.ts';

const exampleSignal = {
  id: 'bar_reaction_5m:BTC-USD:1673481000000',
  strategy: 'bar_reaction_5m',
  exchange: 'kraken',
  pair: 'BTC/USD',
  timeframe: '5m',
  mode: 'paper',
  side: 'long',
  entry: 17944.2,
  stopLoss: 17909.19,
  takeProfit1: 18002.54,
  takeProfit: 18049.22,
  confidence: 0.719,
  reason: '5m bar +13.1 bps, ATR 0.20% of price',
  candleTime: 1673481000000,
  time: '2023-01-12T00:35:00.000Z',
  status: 'open',
  exit: null,
} as const;

export const signalOut = signalSchema
  .extend({ id: z.string() })
  .meta({ id: 'Signal', example: exampleSignal });

export const signalPageOut = z
  .object({
    items: z.array(signalOut),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next (older) page; null on the last.'),
  })
  .meta({ example: { items: [exampleSignal], nextCursor: null } });

export const equityPointOut = equityDataSchema.pick({ time: true, equity: true, drawdownPct: true });

export const pnlOut = z.object({ mode: z.enum(['paper', 'live']), points: z.array(equityPointOut) }).meta({
  example: {
    mode: 'paper',
    points: [
      { time: '2023-01-12T00:00:00.000Z', equity: 10000, drawdownPct: 0 },
      { time: '2023-01-12T01:35:00.000Z', equity: 10012.5, drawdownPct: 0 },
    ],
  },
});

const statsOut = statsSchema.meta({ id: 'Stats' });

const exampleStats = {
  signals: 12,
  closed: 10,
  wins: 6,
  losses: 4,
  winRate: 0.6,
  profitFactor: 1.8,
  expectancyR: 0.35,
  avgWinPct: 0.42,
  avgLossPct: -0.31,
  avgWin: 42.1,
  avgLoss: -31.2,
  netPnl: 127.8,
  returnPct: 1.28,
  maxDrawdownPct: 0.9,
  sharpe: 1.4,
  exposurePct: 18.5,
  longestLosingStreak: 2,
};

export const performanceOut = z
  .object({
    mode: z.enum(['paper', 'live']),
    overall: statsOut,
    byPair: z.record(z.string(), statsOut),
    bySide: z.object({ long: statsOut.optional(), short: statsOut.optional() }),
  })
  .meta({
    example: {
      mode: 'paper',
      overall: exampleStats,
      byPair: { 'BTC/USD': exampleStats },
      bySide: { long: exampleStats },
    },
  });
