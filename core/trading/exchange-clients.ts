/**
 * Authenticated ccxt clients for the execution path. The user's keys are opened from the vault here and
 * handed straight to ccxt; clients are reused per credential and key version (a re-link or a rotation
 * makes a new one), so markets load once per client, not once per order.
 */
import type { Exchange } from 'ccxt';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { createCcxtExchange } from '../market/ccxt-exchange.ts';
import { openCredentialsForExecution } from '../vault/credentials.ts';
import { vaultRing } from '../vault/service.ts';

export interface ExchangeClients {
  forUser(userId: string, exchange: string): Promise<Exchange>;
  close(): Promise<void>;
}

const MAX_CLIENTS = 200;

export function exchangeClients(db: Db, config: Config): ExchangeClients {
  const clients = new Map<string, Exchange>();
  return {
    async forUser(userId, exchange) {
      const creds = await openCredentialsForExecution(db, vaultRing(config), userId, exchange);
      const key = `${creds.credentialId}:${creds.keyVersion}`;
      let client = clients.get(key);
      if (!client) {
        if (clients.size >= MAX_CLIENTS) {
          const [oldest, old] = clients.entries().next().value!;
          clients.delete(oldest);
          await old.close().catch(() => undefined);
        }
        client = createCcxtExchange(exchange, {
          apiBase: exchange === config.EXCHANGE ? config.EXCHANGE_API_BASE : undefined,
          timeoutMs: config.EXCHANGE_TIMEOUT_MS,
          throttle: config.EXCHANGE_THROTTLE,
          credentials: { apiKey: creds.apiKey, secret: creds.secret, password: creds.password },
          // Fills, averages and fees as the venue's decimal strings, never floats (read through dec()).
          stringNumbers: true,
        });
        clients.set(key, client);
      }
      return client;
    },
    async close() {
      await Promise.allSettled([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}
