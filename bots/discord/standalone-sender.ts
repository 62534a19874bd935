/**
 * A Discord sender for a process without the gateway (the broadcaster in the `worker` or `signals`
 * role): the same REST client as the bot's own sender, taking its requests from the same global gate
 * in Redis, so the bot and the broadcaster together stay within the one limit of their token.
 */
import { ConfigError } from '../../core/config.ts';
import type { AppContext } from '../../core/context.ts';
import { sharedGate } from './bot.ts';
import { createRest } from './rest.ts';
import { createSender, type DiscordSender } from './sender.ts';

export function createDiscordSender(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>): DiscordSender {
  const { DISCORD_TOKEN: token, DISCORD_APP_ID: appId, DISCORD_API_BASE: apiBase } = ctx.config;
  const missing = [
    ...(token ? [] : [{ variable: 'DISCORD_TOKEN' as const, message: 'is required to send to Discord' }]),
    ...(appId ? [] : [{ variable: 'DISCORD_APP_ID' as const, message: 'is required to send to Discord' }]),
  ];
  if (!token || !appId) throw new ConfigError(missing);
  return createSender(createRest({ token, gate: sharedGate(ctx, appId), ...(apiBase ? { apiBase } : {}) }));
}
