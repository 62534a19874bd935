/**
 * The real core behind the Discord bot, as the `bots` and `worker` roles compose it: the agent (offline
 * parser, no LLM) over the services bound to this test's stores, the command registry, the orders
 * worker that fills paper orders on the simulated market, and the trading core's event stream read on
 * its own Redis connection. Nothing of ours is replaced.
 */
import { randomBytes } from 'node:crypto';
import { createProcessServices } from '../../../cli/services.ts';
import { createAgent } from '../../../core/agent/agent.ts';
import { orderEventFeedFor } from '../../../core/broadcast/order-events.ts';
import type { AppContext, RoleHandle } from '../../../core/context.ts';
import { orderIdOfHandle } from '../../../core/trading/service.ts';
import { startWorkerRole } from '../../../worker/role.ts';
import type { DiscordDeps } from '../deps.ts';
import { registrySources } from '../registry.ts';

export const CORE_ENV = {
  EXCHANGE: 'sim',
  TRADING_MODE: 'paper',
  CONFIRM_SECRET: randomBytes(32).toString('hex'),
  VAULT_KEY: `v1:${randomBytes(32).toString('base64')}`,
};

export interface Core {
  readonly deps: DiscordDeps;
  close(): Promise<void>;
}

export async function startCore(ctx: AppContext, options: { worker?: boolean } = {}): Promise<Core> {
  const services = createProcessServices(ctx);
  const agent = createAgent({
    services: services.agent,
    config: ctx.config,
    logger: ctx.logger,
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
    llm: null,
  });
  const worker: RoleHandle | undefined =
    options.worker === false ? undefined : await startWorkerRole(ctx, services);
  return {
    deps: {
      agent,
      commands: registrySources(),
      orderEvents: orderEventFeedFor(ctx),
      orderIdOfHandle,
    },
    async close() {
      await worker?.stop();
      await services.close();
    },
  };
}
