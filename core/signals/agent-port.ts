/** The agent's SignalsPort (core/agent/ports.ts) over the signal store: /signals and get_signals. */
import type { SignalRecord, SignalsPort, SignalView } from '../agent/ports.ts';
import type { Db } from '../db/client.ts';
import { listSignals, performance } from './store.ts';

/**
 * What a user typed ("eth", "ETH-USDT", "eth/usdt") → the stored pair it means. A bare base asset
 * means the pair of that base with the newest signal (the install's quote, e.g. ETH/USDT); without
 * this "/signals eth" answered "no recent signals" while ETH/USDT had plenty.
 */
async function storedPair(db: Db, input: string): Promise<string> {
  const pair = input.trim().toUpperCase().replace('-', '/');
  if (pair.includes('/')) return pair;
  const newest = await db.signal.findFirst({
    where: { mode: 'paper', pair: { startsWith: `${pair}/` } },
    orderBy: [{ time: 'desc' }, { id: 'desc' }],
    select: { pair: true },
  });
  return newest?.pair ?? pair;
}

export function signalsPort(db: Db): SignalsPort {
  return {
    async recent({ pair, limit }) {
      const stored = pair ? await storedPair(db, pair) : undefined;
      const page = await listSignals(db, { mode: 'paper', ...(stored ? { pair: stored } : {}), limit });
      return page.items.map(
        (s): SignalView => ({
          id: s.id,
          pair: s.pair,
          side: s.side,
          entry: s.entry,
          stopLoss: s.stopLoss,
          takeProfit: s.takeProfit,
          confidence: s.confidence,
          reason: s.reason,
          status: s.status,
          openedAt: new Date(s.time),
          mode: s.mode,
          ...(s.exit ? { exit: { reason: s.exit.reason, r: s.exit.r, pnlPct: s.exit.pnlPct } } : {}),
        }),
      );
    },
    async record({ pair }): Promise<SignalRecord> {
      const stored = pair ? await storedPair(db, pair) : undefined;
      const p = await performance(db, { mode: 'paper', ...(stored ? { pair: stored } : {}) });
      const o = stored ? (p.byPair[stored] ?? p.overall) : p.overall;
      return {
        closed: o.closed,
        winRate: o.winRate,
        profitFactor: o.profitFactor,
        expectancyR: o.expectancyR,
        maxDrawdownPct: o.maxDrawdownPct,
        returnPct: o.returnPct,
      };
    },
  };
}
