/**
 * A trading core over real Postgres and Redis with the deterministic sim market on a controllable clock.
 * Confirmed orders are collected in `queued` instead of BullMQ so a test decides when the executor runs
 * (the worker tests cover the BullMQ path).
 */

import { createIdentityService, type IdentityService } from '../../identity/service.ts';
import type { Actor, PlatformName } from '../../identity/types.ts';
import type { MarketData } from '../../market/market-data.ts';
import { SimMarketData } from '../../market/sim/sim-market.ts';
import type { OrderQueuePort, TradingDeps } from '../deps.ts';
import type { OrderId } from '../ids.ts';
import { createTradingService, type TradingService, tradingDeps } from '../service.ts';
import { createTradingTestContext, type TradingTestContext } from './app-context.ts';

export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

export interface TradingHarness extends TradingTestContext {
  readonly clock: { now: number };
  readonly market: MarketData;
  readonly queued: OrderId[];
  readonly deps: TradingDeps;
  readonly service: TradingService;
  readonly identity: IdentityService;
  user(platformUserId: string, platform?: PlatformName): Promise<Actor>;
}

export interface HarnessOptions {
  /** Defaults to the sim market on the harness clock. */
  readonly market?: (clock: { now: number }) => MarketData;
}

export async function createTradingHarness(
  label: string,
  env: Record<string, string> = {},
  harness: HarnessOptions = {},
): Promise<TradingHarness> {
  const t = await createTradingTestContext(label, env);
  const clock = { now: T0 };
  const market = harness.market?.(clock) ?? new SimMarketData({ seed: 1, clock: () => clock.now });
  const queued: OrderId[] = [];
  const queue: OrderQueuePort = {
    async enqueue(orderId) {
      queued.push(orderId);
    },
  };
  const options = { market, queue, now: () => new Date(clock.now) };
  const identity = createIdentityService(t.app);
  return {
    ...t,
    clock,
    market,
    queued,
    deps: tradingDeps(t.app, options),
    service: createTradingService(t.app, options),
    identity,
    async user(platformUserId, platform = 'telegram') {
      const { userId } = await identity.resolveUser(platform, platformUserId);
      return { userId, platform, chatId: `chat-${platformUserId}`, chatKind: 'dm' };
    },
  };
}
