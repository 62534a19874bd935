/**
 * Which module starts each role, and what each receives from the process' composition root
 * (cli/services.ts): every role of one process shares one market data cache, one `orders` producer, one
 * trading facade and one chart renderer. A role not listed here is not built yet.
 */
import { startBotsRole } from '../bots/role.ts';
import type { AppContext, RoleHandle, RoleName, RoleRuntime } from '../core/context.ts';
import { startApiRole } from '../server/role.ts';
import { startBroadcasterRole } from '../worker/broadcaster/role.ts';
import { startWorkerRole } from '../worker/role.ts';
import { startSignalsRole } from '../worker/signals/role.ts';
import type { ProcessServices } from './services.ts';

export type RoleStarter = (
  ctx: AppContext,
  runtime: RoleRuntime,
  services: ProcessServices,
) => Promise<RoleHandle>;

export const ROLE_STARTERS: Partial<Record<RoleName, RoleStarter>> = {
  api: (ctx, runtime, s) => startApiRole(ctx, runtime, { market: s.market }),
  worker: (ctx, _runtime, s) => startWorkerRole(ctx, { market: s.market, orders: s.orders }),
  bots: (ctx, runtime, s) => startBotsRole(ctx, runtime, { agent: s.agent, auditDb: s.auditDb }),
  broadcaster: (ctx, runtime, s) =>
    startBroadcasterRole(ctx, runtime, { shared: { market: s.market, charts: s.charts } }),
  // Its own market on purpose: the signal engine runs the sim at SIM_SPEED on its own clock.
  signals: (ctx, runtime) => startSignalsRole(ctx, runtime),
};
