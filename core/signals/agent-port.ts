/** The agent's SignalsPort (core/agent/ports.ts) over the signal store: /signals and get_signals. */
import type { SignalRecord, SignalsPort, SignalView } from '../agent/ports.ts';
import type { Db } from '../db/client.ts';
import { listSignals, performance } from './store.ts';

export function signalsPort(db: Db): SignalsPort {
  return {
    async recent({ pair, limit }) {
      const page = await listSignals(db, { mode: 'paper', ...(pair ? { pair } : {}), limit });
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
      const p = await performance(db, { mode: 'paper', ...(pair ? { pair } : {}) });
      const o = pair ? (p.byPair[pair] ?? p.overall) : p.overall;
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
