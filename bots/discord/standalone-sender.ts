/**
 * A Discord sender for a process without the gateway (the broadcaster in the `worker` or `signals`
 * role): the same REST client and global gate as the bot's own sender. Each process keeps its
 * own gate, so the roles that send for one bot token should run in one process, or split the budget
 * with `limit` (e.g. 25 each) — the limit is per token, not per process.
 */
import { ConfigError } from '../../core/config.ts';
import type { AppContext } from '../../core/context.ts';
import { GLOBAL_LIMIT } from './bot.ts';
import { ResponseWindowGate } from './global-gate.ts';
import { createRest } from './rest.ts';
import { createSender, type DiscordSender } from './sender.ts';

export function createDiscordSender(
  ctx: Pick<AppContext, 'config'>,
  options: { limit?: number } = {},
): DiscordSender {
  const token = ctx.config.DISCORD_TOKEN;
  if (!token)
    throw new ConfigError([{ variable: 'DISCORD_TOKEN', message: 'is required to send to Discord' }]);
  const gate = new ResponseWindowGate({ ...GLOBAL_LIMIT, limit: options.limit ?? GLOBAL_LIMIT.limit });
  return createSender(
    createRest({
      token,
      gate,
      ...(ctx.config.DISCORD_API_BASE ? { apiBase: ctx.config.DISCORD_API_BASE } : {}),
    }),
  );
}
