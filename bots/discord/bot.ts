/**
 * The Discord bot: a discord.js gateway client whose events are translated for the core and whose
 * answers are rendered back. Started by the `bots` role:
 *
 *   const bot = await startDiscordBot(ctx, { agent, commands, orderEvents, orderIdOfHandle });
 *   ... bot.sender is what the signal broadcaster uses ...
 *   await bot.stop();
 *
 * Start order: commands registered (only when changed), gateway connected and ready, then order events
 * followed. Stop order: intake closed, in-flight handlers finished (bounded by SHUTDOWN_TIMEOUT_MS),
 * notifier and expiry timers stopped, gateway closed.
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import { ConfigError } from '../../core/config.ts';
import type { AppContext } from '../../core/context.ts';
import { toSlashCommands } from './commands.ts';
import { onMessage } from './conversation.ts';
import type { DiscordDeps } from './deps.ts';
import type { BotEnv } from './env.ts';
import { startNotifier } from './notifications.ts';
import { ProposalCards } from './proposals.ts';
import { RedisResponseWindowGate } from './redis-gate.ts';
import { registerCommands } from './register.ts';
import { restOptions } from './rest.ts';
import { routeInteraction } from './router.ts';
import { createSender, type DiscordSender } from './sender.ts';

export interface DiscordBot {
  /** Sends into channels and DMs within Discord's limits (the broadcaster's sender). */
  readonly sender: DiscordSender;
  /** One line for the startup banner. */
  readonly summary: string;
  stop(): Promise<void>;
}

/** Discord's documented global limit: 50 requests per second per bot. */
export const GLOBAL_LIMIT = { limit: 50, windowMs: 1_000 } as const;
const READY_TIMEOUT_MS = 30_000;

/**
 * The global limit is per bot token, so every process sending for this application (this bot, a
 * broadcaster elsewhere) takes its slots from one gate in Redis.
 */
export function sharedGate(
  ctx: Pick<AppContext, 'redis' | 'keys' | 'logger'>,
  appId: string,
): RedisResponseWindowGate {
  return new RedisResponseWindowGate(ctx.redis, ctx.keys.key('discord', 'global', appId), {
    ...GLOBAL_LIMIT,
    onUnavailable: (err) =>
      ctx.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'Discord global limit shared in Redis unavailable; this process paces its own requests until it answers',
      ),
  });
}

function required(ctx: AppContext): { token: string; appId: string } {
  const { DISCORD_TOKEN: token, DISCORD_APP_ID: appId } = ctx.config;
  const missing = [
    ...(token
      ? []
      : [{ variable: 'DISCORD_TOKEN' as const, message: 'is required to start the Discord bot' }]),
    ...(appId
      ? []
      : [{ variable: 'DISCORD_APP_ID' as const, message: 'is required to start the Discord bot' }]),
  ];
  if (missing.length || !token || !appId) throw new ConfigError(missing);
  return { token, appId };
}

export async function startDiscordBot(ctx: AppContext, deps: DiscordDeps): Promise<DiscordBot> {
  const { token, appId } = required(ctx);
  const logger = ctx.logger.child({ component: 'discord' });
  const client = new Client({
    // Mentions and DMs carry their content without the privileged MessageContent intent.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    // DM channels are not cached; without this partial their messages would be dropped.
    partials: [Partials.Channel],
    rest: restOptions({ apiBase: ctx.config.DISCORD_API_BASE, gate: sharedGate(ctx, appId) }),
  });
  client.rest.setToken(token);
  const sender = createSender(client.rest);
  const cards = new ProposalCards(ctx.redis, ctx.keys, logger, deps.orderIdOfHandle);
  const env: BotEnv = {
    agent: deps.agent,
    sources: new Map(deps.commands.map((c) => [c.name, c])),
    logger,
    sender,
    cards,
    symbols: deps.symbols ?? (async () => ctx.config.SIGNAL_PAIRS),
  };

  const guildId = ctx.config.DISCORD_DEV_GUILD_ID;
  const registration = await registerCommands(
    client.rest,
    ctx,
    { appId, ...(guildId ? { guildId } : {}) },
    toSlashCommands(deps.commands),
  );
  logger.info(registration, 'discord: slash commands');

  const inflight = new Set<Promise<void>>();
  let accepting = true;
  const run = (what: string, work: () => Promise<void>) => {
    if (!accepting) return;
    const p: Promise<void> = work()
      .catch((err: unknown) => logger.error({ err, what }, 'discord: handler failed'))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  client.on(Events.InteractionCreate, (i) => run('interaction', () => routeInteraction(i, env)));
  client.on(Events.MessageCreate, (m) => run('message', () => onMessage(m, client.user?.id ?? appId, env)));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord: client error'));

  const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
  try {
    await client.login(token);
    await ready;
  } catch (err) {
    await client.destroy();
    throw err;
  }
  const notifier = deps.orderEvents
    ? await startNotifier(deps.orderEvents, {
        deps: { discordAccountOf: deps.discordAccountOf ?? discordAccountFromDb(ctx) },
        sender,
        cards,
        logger,
      })
    : undefined;

  return {
    sender,
    summary: `Discord as ${client.user?.tag ?? appId} in ${client.guilds.cache.size} guild(s), commands ${registration.scope}`,
    async stop() {
      accepting = false;
      const timeout = new Promise((r) => setTimeout(r, ctx.config.SHUTDOWN_TIMEOUT_MS).unref());
      await Promise.race([Promise.allSettled([...inflight]), timeout]);
      await notifier?.stop();
      cards.stop();
      await client.destroy();
    },
  };
}

function discordAccountFromDb(ctx: AppContext) {
  return async (userId: string): Promise<string | undefined> => {
    const account = await ctx.db.platformAccount.findFirst({
      where: { userId, platform: 'DISCORD' },
      select: { platformUserId: true },
    });
    return account?.platformUserId;
  };
}
