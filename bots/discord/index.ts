/** The Discord adapter's public surface, for the `bots` role and the signal broadcaster. */
export { type DiscordBot, sharedGate, startDiscordBot } from './bot.ts';
export type { ChartImage } from './cards.ts';
export type { AgentEntry, DiscordDeps, SlashCommandSource } from './deps.ts';
export { type GlobalGate, ResponseWindowGate } from './global-gate.ts';
export { RedisResponseWindowGate } from './redis-gate.ts';
export { registrySources } from './registry.ts';
export { createRest } from './rest.ts';
export { createSender, DeliveryError, type DiscordSender, type SentMessage } from './sender.ts';
export { createDiscordSender } from './standalone-sender.ts';
