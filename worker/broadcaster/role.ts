/**
 * The `broadcaster` role: signals from `signals:paper|live` to every subscribed Discord and Telegram
 * chat (core/broadcast/broadcaster.ts). It needs no gateway connection: Telegram through its own
 * rate-limited Bot API client, Discord through REST sharing the bot's global gate in Redis. A platform
 * broadcasts when its token is configured; its chats' entries wait (unacknowledged) otherwise.
 */

import { discordSignalChannelFor } from '../../bots/discord/signal-cards.ts';
import { TELEGRAM_RATE_LIMITS, type TelegramRateLimits } from '../../bots/telegram/outbox.ts';
import { budgetDown, redisTelegramBudget } from '../../bots/telegram/redis-budget.ts';
import { createTelegramBroadcast, type TelegramBroadcast } from '../../bots/telegram/signal-cards.ts';
import { type ChartRenderer, createChartRenderer } from '../../charts/render.ts';
import { type Broadcaster, startBroadcaster } from '../../core/broadcast/broadcaster.ts';
import type { BroadcastPlatform, SignalChannel } from '../../core/broadcast/ports.ts';
import type { AppContext, RoleHandle, RoleRuntime } from '../../core/context.ts';
import { createMarketData } from '../../core/market/create-market-data.ts';
import type { MarketData } from '../../core/market/market-data.ts';
import { signalCharts } from './charts.ts';

export interface BroadcasterRoleOptions {
  /** Telegram's limits as the outbox applies them (tests raise the global one to stay fast). */
  readonly telegramLimits?: TelegramRateLimits;
  /** Chart render threads (0: on this thread). */
  readonly chartWorkers?: number;
  /** The process' market data and renderer (cli/services.ts); absent: the role builds its own. */
  readonly shared?: { readonly market: MarketData; readonly charts: ChartRenderer };
}

export async function startBroadcasterRole(
  ctx: AppContext,
  _runtime?: RoleRuntime,
  options: BroadcasterRoleOptions = {},
): Promise<RoleHandle> {
  const { config } = ctx;
  const logger = ctx.logger.child({ role: 'broadcaster' });
  const channels: Partial<Record<BroadcastPlatform, SignalChannel>> = {};
  let telegram: TelegramBroadcast | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = createTelegramBroadcast({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      outbox: {
        ...(options.telegramLimits ? { limits: options.telegramLimits } : {}),
        onRetry: (r) =>
          logger.debug({ chatId: r.chatId, reason: r.reason, waitMs: r.waitMs }, 'Telegram send retried'),
        shared: redisTelegramBudget(
          ctx,
          { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT },
          { limits: options.telegramLimits ?? TELEGRAM_RATE_LIMITS, onUnavailable: budgetDown(logger) },
        ),
      },
    });
    channels.telegram = telegram.channel;
  }
  if (config.DISCORD_TOKEN && config.DISCORD_APP_ID) channels.discord = discordSignalChannelFor(ctx);
  const market = options.shared?.market ?? createMarketData(ctx);
  const renderer =
    options.shared?.charts ??
    createChartRenderer(options.chartWorkers === undefined ? {} : { workers: options.chartWorkers });
  // The render threads start before the first signal can need one (a cold thread loads canvas and
  // fonts: seconds on a busy machine that every chat's first card would wait for).
  if (!options.shared) await renderer.warmup();
  const broadcaster: Broadcaster = startBroadcaster({
    db: ctx.db,
    redis: ctx.redis,
    newRedis: (name) => ctx.newRedis(name),
    keys: ctx.keys,
    logger,
    channels,
    charts: signalCharts(market, renderer),
    attempts: config.BROADCAST_ATTEMPTS,
    backoffMs: config.BROADCAST_BACKOFF_MS,
    lockMs: config.BROADCAST_LOCK_MS,
    claimIdleMs: config.BROADCAST_CLAIM_IDLE_MS,
  });
  await broadcaster.ready;
  const names = Object.keys(channels);
  return {
    name: 'broadcaster',
    summary: names.length
      ? `broadcaster to ${names.join(' and ')} (signals:paper, signals:live)`
      : 'broadcaster idle: no chat platform configured (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN + DISCORD_APP_ID)',
    async stop() {
      // Together: a delivery queued behind a Telegram window (a group's 20/min can mean most of a
      // minute) must not hold the stop. The outbox lets what is in flight finish within the grace and
      // rejects what never left (OutboxClosedError: not sent, so the row stays pending for the next
      // broadcaster), which ends the broadcaster's last deliveries.
      await Promise.all([broadcaster.stop(), telegram?.close(config.SHUTDOWN_TIMEOUT_MS)]);
      if (!options.shared) {
        await renderer.close();
        await market.close();
      }
    },
  };
}
