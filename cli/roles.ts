/** Which module starts each role. A role not listed here is not built yet. */
import { startBotsRole } from '../bots/role.ts';
import type { AppContext, RoleHandle, RoleName, RoleRuntime } from '../core/context.ts';
import { startApiRole } from '../server/role.ts';
import { startBroadcasterRole } from '../worker/broadcaster/role.ts';
import { startWorkerRole } from '../worker/role.ts';
import { startSignalsRole } from '../worker/signals/role.ts';

export type RoleStarter = (ctx: AppContext, runtime: RoleRuntime) => Promise<RoleHandle>;

export const ROLE_STARTERS: Partial<Record<RoleName, RoleStarter>> = {
  api: startApiRole,
  worker: startWorkerRole,
  bots: startBotsRole,
  broadcaster: startBroadcasterRole,
  signals: startSignalsRole,
};
