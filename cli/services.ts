/**
 * The composition root: every service a role needs is built here, once per process, and shared by all
 * the roles the process runs (one market data cache, one `orders` queue producer, one trading facade,
 * one chart renderer). Each is built on first use, so a process running only the api role starts no
 * render threads; `close` releases what was built, after the roles have stopped.
 */
import { Api } from 'grammy';
import { telegramChannelAccess } from '../bots/telegram/channel-access.ts';
import { type ChartRenderer, type ChartRendererOptions, createChartRenderer } from '../charts/render.ts';
import { everyDay, renderSentimentChart } from '../charts/sentiment.ts';
import { agentServices, type SentimentRenderer } from '../core/agent/bindings.ts';
import type { AgentServices } from '../core/agent/ports.ts';
import type { AppContext } from '../core/context.ts';
import { createDb, type Db } from '../core/db/client.ts';
import { createIdentityService, type IdentityService } from '../core/identity/service.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import type { CachedMarketData } from '../core/market/ticker-cache.ts';
import { createOrderQueue, type OrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService, type TradingService } from '../core/trading/service.ts';
import { createKeysService, type KeysService } from '../core/vault/service.ts';

export interface ProcessServices {
  readonly market: CachedMarketData;
  /** Producer side of the BullMQ `orders` queue (the worker role consumes it). */
  readonly orders: OrderQueue;
  /** The trading facade: the only way adapters reach the trading core. */
  readonly trading: TradingService;
  readonly identity: IdentityService;
  readonly keys: KeysService;
  readonly charts: ChartRenderer;
  /** The agent's ports over the services above. */
  readonly agent: AgentServices;
  /** Two connections with asynchronous commit for the chat's audit entries (createAgent's auditDb). */
  readonly auditDb: Db;
  close(): Promise<void>;
}

export interface ProcessServicesOptions {
  /** Render threads and cache of the chart renderer (tests and the console draw on their own thread). */
  readonly charts?: ChartRendererOptions;
}

/** charts/sentiment.ts behind the agent's news port, every day of the window given a bar slot. */
export const sentimentRenderer: SentimentRenderer = (coin, { from, to }, days) =>
  renderSentimentChart({ coin, days: everyDay(from, to, [...days]) });

export function createProcessServices(
  ctx: AppContext,
  options: ProcessServicesOptions = {},
): ProcessServices {
  const closers: (() => Promise<void>)[] = [];
  const once = <T>(build: () => T, close?: (value: T) => Promise<void>): (() => T) => {
    let built: { value: T } | undefined;
    return () => {
      if (!built) {
        built = { value: build() };
        const value = built.value;
        if (close) closers.push(() => close(value));
      }
      return built.value;
    };
  };
  const market = once(
    () => createMarketData(ctx),
    (m) => m.close(),
  );
  const orders = once(
    () => createOrderQueue(ctx),
    (q) => q.close(),
  );
  const trading = once(() => createTradingService(ctx, { market: market(), queue: orders() }));
  const identity = once(() => createIdentityService(ctx));
  const keys = once(() => createKeysService(ctx));
  const charts = once(
    () => createChartRenderer(options.charts),
    (c) => c.close(),
  );
  const auditDb = once(
    () =>
      createDb(ctx.config.DATABASE_URL, {
        poolSize: 2,
        preparedStatements: ctx.config.DATABASE_PREPARED_STATEMENTS,
        asyncCommit: true,
      }),
    (db) => db.$disconnect(),
  );
  const token = ctx.config.TELEGRAM_BOT_TOKEN;
  const agent = once(() =>
    agentServices({
      db: ctx.db,
      market: market(),
      trading: trading(),
      identity: identity(),
      keys: keys(),
      charts: charts(),
      sentiment: sentimentRenderer,
      signalPairs: ctx.config.SIGNAL_PAIRS,
      // Channels named in a DM are looked up on Telegram (a plain client: these calls post nothing).
      ...(token
        ? {
            channelAccess: {
              telegram: telegramChannelAccess(
                new Api(token, { apiRoot: ctx.config.TELEGRAM_API_ROOT.replace(/\/+$/, '') }),
              ),
            },
          }
        : {}),
    }),
  );
  return {
    get market() {
      return market();
    },
    get orders() {
      return orders();
    },
    get trading() {
      return trading();
    },
    get identity() {
      return identity();
    },
    get keys() {
      return keys();
    },
    get charts() {
      return charts();
    },
    get agent() {
      return agent();
    },
    get auditDb() {
      return auditDb();
    },
    async close() {
      // Newest first: the renderer and queue before the market data they were built over.
      await Promise.allSettled(closers.reverse().map((close) => close()));
    },
  };
}
