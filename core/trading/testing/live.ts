/**
 * A live-trading setup against the local wire-format fake: the real ccxt class for the dialect, keys
 * linked through the vault, users opted in to live trading. Shared by the live executor tests, the
 * worker tests and the crash test.
 */
import { randomBytes } from 'node:crypto';
import {
  type FakeDialect,
  type FakeExchange,
  startFakeExchange,
} from '../../../test/fakes/exchange/server.ts';
import type { Actor } from '../../identity/types.ts';
import { CcxtMarketData } from '../../market/ccxt-market.ts';
import { createKeysService } from '../../vault/service.ts';
import { exchangeClients } from '../exchange-clients.ts';
import type { LiveDeps } from '../live-executor.ts';
import { pgOrderLocks } from '../order-lock.ts';
import { createTradingHarness, type TradingHarness } from './harness.ts';

export interface LiveHarness extends TradingHarness {
  readonly fake: FakeExchange;
  readonly live: LiveDeps;
  /** A user with linked keys (known to the fake) in live mode. */
  liveUser(name: string): Promise<Actor>;
}

export async function createLiveHarness(
  dialect: FakeDialect,
  label: string,
  env: Record<string, string> = {},
): Promise<LiveHarness> {
  const fake = await startFakeExchange(dialect);
  const h = await createTradingHarness(
    label,
    {
      EXCHANGE: dialect,
      EXCHANGE_API_BASE: fake.url,
      EXCHANGE_THROTTLE: 'false',
      EXCHANGE_TIMEOUT_MS: '400',
      LIVE_TRADING_ENABLED: 'true',
      ...env,
    },
    // Market data is never faulted here; a short timeout only makes a busy machine fail proposals.
    { market: () => new CcxtMarketData(dialect, { apiBase: fake.url, throttle: false, timeoutMs: 3_000 }) },
  );
  const locks = pgOrderLocks(h.test.databaseUrl, 4);
  const clients = exchangeClients(h.app.db, h.app.config);
  const keys = createKeysService(h.app);
  return {
    ...h,
    fake,
    live: { ...h.deps, locks, clients },
    async liveUser(name) {
      const actor = await h.user(name);
      const apiKey = `key-${name}-${randomBytes(4).toString('hex')}`;
      // Kraken secrets are base64; Binance takes any string.
      const secret = randomBytes(32).toString('base64');
      fake.state.accounts.set(apiKey, secret);
      await keys.link(actor, { exchange: dialect, apiKey, secret });
      await h.service.setMode(actor, 'live');
      return actor;
    },
    async close() {
      await clients.close();
      await locks.close();
      await h.market.close();
      await fake.close();
      await h.close();
    },
  };
}
