/**
 * A broadcast test stage: the test's own database and Redis prefix, the fake Bot API and the fake
 * Discord (both enforcing the platforms' limits), and broadcasters started in this process or as
 * child processes (broadcaster-process.ts) over the same stores.
 */

import {
  type SubscriptionFilters,
  Subscriptions,
  type SubscriptionTarget,
} from '../../../core/broadcast/subscriptions.ts';
import { loadConfig } from '../../../core/config.ts';
import type { RoleHandle } from '../../../core/context.ts';
import { type AppContext, createAppContext } from '../../../core/context.ts';
import { createLogger } from '../../../core/logger.ts';
import { type FakeDiscord, startFakeDiscord } from '../../../test/fakes/discord/server.ts';
import type { FakeLimits } from '../../../test/fakes/telegram/limits.ts';
import { FakeBotApi } from '../../../test/fakes/telegram/server.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { type BroadcasterRoleOptions, startBroadcasterRole } from '../role.ts';

export const TELEGRAM_TOKEN = '123456:broadcast-test-token';

export interface BroadcastStage {
  readonly test: TestContext;
  readonly telegram: FakeBotApi;
  readonly discord: FakeDiscord;
  /** Environment of a broadcaster (in this process or a child) on these stores and fakes. */
  readonly env: Record<string, string>;
  readonly ctx: AppContext;
  readonly subscriptions: Subscriptions;
  start(options?: BroadcasterRoleOptions, env?: Record<string, string>): Promise<RoleHandle>;
  subscribe(target: SubscriptionTarget, filters?: Partial<SubscriptionFilters>): Promise<string>;
  close(): Promise<void>;
}

export async function startStage(
  label: string,
  options: { telegramLimits?: FakeLimits | null; env?: Record<string, string> } = {},
): Promise<BroadcastStage> {
  const test = await createTestContext(label);
  const telegram = new FakeBotApi({
    token: TELEGRAM_TOKEN,
    ...(options.telegramLimits === undefined ? {} : { limits: options.telegramLimits }),
  });
  const apiRoot = await telegram.start();
  const discord = await startFakeDiscord();
  const env = {
    ...test.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DISCORD_TOKEN: discord.token,
    DISCORD_APP_ID: discord.appId,
    DISCORD_API_BASE: discord.apiBase,
    EXCHANGE: 'sim',
    BROADCAST_BACKOFF_MS: '100',
    BROADCAST_LOCK_MS: '2000',
    BROADCAST_CLAIM_IDLE_MS: '2000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...options.env,
  };
  const contexts: AppContext[] = [];
  const roles: RoleHandle[] = [];
  const newContext = (extra: Record<string, string> = {}) => {
    const config = loadConfig({ ...env, ...extra });
    const ctx = createAppContext(config, createLogger({ level: config.LOG_LEVEL }));
    contexts.push(ctx);
    return ctx;
  };
  const ctx = newContext();
  const subscriptions = new Subscriptions(ctx.db);
  return {
    test,
    telegram,
    discord,
    env,
    ctx,
    subscriptions,
    async start(roleOptions = {}, extra = {}) {
      const role = await startBroadcasterRole(newContext(extra), undefined, {
        chartWorkers: 1,
        ...roleOptions,
      });
      roles.push(role);
      return role;
    },
    async subscribe(target, filters = {}) {
      const r = await subscriptions.subscribe(target, {
        pairs: filters.pairs ?? [],
        minConfidence: filters.minConfidence ?? 0,
        mode: filters.mode ?? 'paper',
      });
      return r.subscription.id;
    },
    async close() {
      await Promise.allSettled(roles.map((r) => r.stop()));
      await Promise.allSettled(contexts.map((c) => c.close()));
      await telegram.stop();
      await discord.close();
      await test.close();
    },
  };
}
