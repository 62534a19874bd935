/**
 * Registers the slash commands in one guild (DISCORD_DEV_GUILD_ID: instant updates while developing) or
 * globally, and only when the definitions changed since the last registration: the hash of what was
 * registered is kept in Redis per application and scope. A bulk PUT replaces the whole set, so removed
 * commands disappear too. Global registration is rate limited (about 200 creates a day), hence the check.
 */
import { type REST, Routes } from 'discord.js';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { definitionsHash, type SlashCommandJson } from './commands.ts';

export interface RegistrationTarget {
  readonly appId: string;
  /** Absent: global commands. */
  readonly guildId?: string;
}

export interface RegistrationResult {
  readonly scope: string;
  readonly hash: string;
  /** False when the stored hash matched and nothing was sent. */
  readonly registered: boolean;
}

export function registrationKey(keys: RedisKeys, target: RegistrationTarget): string {
  return keys.key('discord', 'commands', target.appId, target.guildId ?? 'global');
}

export async function registerCommands(
  rest: REST,
  store: { redis: Redis; keys: RedisKeys },
  target: RegistrationTarget,
  commands: readonly SlashCommandJson[],
): Promise<RegistrationResult> {
  const scope = target.guildId ? `guild ${target.guildId}` : 'global';
  const hash = definitionsHash(commands);
  const key = registrationKey(store.keys, target);
  if ((await store.redis.get(key)) === hash) return { scope, hash, registered: false };
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.appId, target.guildId)
    : Routes.applicationCommands(target.appId);
  await rest.put(route, { body: commands });
  // Stored only after Discord accepted the set: a failed PUT is retried on the next start.
  await store.redis.set(key, hash);
  return { scope, hash, registered: true };
}
