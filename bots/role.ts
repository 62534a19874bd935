/**
 * The `bots` role: the Telegram and Discord adapters over one agent, so both platforms (and the console)
 * run exactly the same core path. A platform starts when its token is configured. The services come
 * from the process' composition root (cli/services.ts); the role owns only its bots and the agent.
 */
import { createAgent } from '../core/agent/agent.ts';
import { commandPolicy } from '../core/agent/commands/policy.ts';
import { COMMANDS } from '../core/agent/commands/registry.ts';
import type { AgentServices } from '../core/agent/ports.ts';
import { orderEventFeedFor } from '../core/broadcast/order-events.ts';
import type { AppContext, RoleHandle, RoleRuntime } from '../core/context.ts';
import type { Db } from '../core/db/client.ts';
import { orderIdOfHandle } from '../core/trading/service.ts';
import { startDiscordBot } from './discord/bot.ts';
import { registrySources } from './discord/registry.ts';
import { startTelegramBot } from './telegram/bot.ts';

interface Running {
  readonly summary: string;
  stop(): Promise<void>;
}

export interface BotsServices {
  /** The agent's ports, bound once per process. */
  readonly agent: AgentServices;
  /** Where the agent's audit entries go (asynchronous commit). */
  readonly auditDb: Db;
}

export async function startBotsRole(
  ctx: AppContext,
  runtime: RoleRuntime,
  services: BotsServices,
): Promise<RoleHandle> {
  const { config } = ctx;
  const agent = createAgent({
    services: services.agent,
    auditDb: services.auditDb,
    config,
    logger: ctx.logger.child({ role: 'bots' }),
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
  });
  const running: Running[] = [];
  try {
    if (config.TELEGRAM_BOT_TOKEN) {
      const bot = await startTelegramBot(ctx, {
        agent,
        commands: COMMANDS.map(commandPolicy),
        orderEvents: orderEventFeedFor(ctx),
      });
      if (bot.webhookPlugin) {
        if (!runtime.roles.includes('api')) {
          await bot.stop();
          throw new Error(
            'Telegram webhook mode (TELEGRAM_WEBHOOK_URL) needs the api role in the same process',
          );
        }
        runtime.httpPlugins.push(bot.webhookPlugin);
      }
      const mode = bot.webhookPlugin ? `webhook ${config.TELEGRAM_WEBHOOK_URL}` : 'long polling';
      running.push({ summary: `Telegram @${bot.username} (${mode})`, stop: () => bot.stop() });
    }
    if (config.DISCORD_TOKEN && config.DISCORD_APP_ID) {
      const bot = await startDiscordBot(ctx, {
        agent,
        commands: registrySources(),
        orderEvents: orderEventFeedFor(ctx),
        orderIdOfHandle,
      });
      running.push({ summary: bot.summary, stop: () => bot.stop() });
    }
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw err;
  }
  const summary = running.length
    ? running.map((r) => r.summary).join('; ')
    : 'no chat platform configured (set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN + DISCORD_APP_ID); chat locally with `npm run cli -- chat`';
  return {
    name: 'bots',
    summary,
    async stop() {
      await Promise.allSettled(running.map((r) => r.stop()));
      // The last turns' audit entries, before the process' database connections close.
      await agent.drain();
    },
  };
}
