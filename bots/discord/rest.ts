/**
 * REST options shared by the gateway client and the REST-only sender: the API base (DISCORD_API_BASE),
 * and the global gate in front of every request Discord counts against the bot's global limit.
 * Interaction callbacks and interaction webhooks are exempt on Discord, so they skip the gate: a user's
 * command is acknowledged on time even while a broadcast fills the window.
 */
import { DefaultRestOptions, REST, type RESTOptions } from 'discord.js';
import type { GlobalGate } from './redis-gate.ts';

const EXEMPT = /\/v\d+\/(interactions\/|webhooks\/\d+\/[^/?]+)/;

export function isGlobalExempt(url: string): boolean {
  return EXEMPT.test(url);
}

export function restOptions(options: { apiBase?: string; gate: GlobalGate }): Partial<RESTOptions> {
  return {
    ...(options.apiBase ? { api: options.apiBase } : {}),
    // The gate counts the global limit exactly; discord.js' own fixed-window count would only delay
    // interaction callbacks, which it counts though Discord does not.
    globalRequestsPerSecond: 1_000_000,
    async makeRequest(url, init) {
      if (isGlobalExempt(url)) return DefaultRestOptions.makeRequest(url, init);
      const release = await options.gate.acquire(init.signal ?? undefined);
      try {
        return await DefaultRestOptions.makeRequest(url, init);
      } finally {
        release();
      }
    },
  };
}

export function createRest(options: { token: string; apiBase?: string; gate: GlobalGate }): REST {
  return new REST(restOptions(options)).setToken(options.token);
}
