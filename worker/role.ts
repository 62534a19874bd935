/**
 * The `worker` role: a BullMQ worker on the `orders` queue (job id = order id) and the trigger watcher.
 *
 * Stalled jobs (a worker that died mid-order) come back after ORDER_LOCK_MS and are resumed by looking
 * the order up first, so BullMQ may retry a stalled job as often as it likes (`maxStalledCount` is
 * effectively unbounded: giving up would leave an order in limbo).
 *
 * `stop()` stops taking jobs, lets the in-flight ones finish (`worker.close()`), stops the watcher, then
 * releases connections.
 */
import { Queue, Worker } from 'bullmq';
import type { AppContext, RoleHandle } from '../core/context.ts';
import { createDb } from '../core/db/client.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import type { CachedMarketData } from '../core/market/ticker-cache.ts';
import { exchangeClients } from '../core/trading/exchange-clients.ts';
import { orderOperations } from '../core/trading/executor.ts';
import type { LiveDeps } from '../core/trading/live-executor.ts';
import { pgOrderLocks } from '../core/trading/order-lock.ts';
import {
  createOrderQueue,
  DEAD_LETTER_QUEUE,
  type DeadLetterData,
  ORDERS_QUEUE,
  type OrderJobData,
  type OrderQueue,
} from '../core/trading/order-queue.ts';
import { tradingDeps } from '../core/trading/service.ts';
import { startNewsSchedule } from './news/schedule.ts';
import { type OrderJobResult, orderProcessor } from './order-processor.ts';
import { startTriggerWatcher } from './trigger-watcher.ts';

/** What the process' composition root (cli/services.ts) shares with this role; absent: the role builds its own. */
export interface WorkerShared {
  readonly market: CachedMarketData;
  readonly orders: OrderQueue;
}

export async function startWorkerRole(ctx: AppContext, shared?: WorkerShared): Promise<RoleHandle> {
  const { config } = ctx;
  // The money path gets its own connections, enough for every order in flight plus the watcher.
  const db = createDb(config.DATABASE_URL, {
    poolSize: config.ORDER_CONCURRENCY + 4,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const market = shared?.market ?? createMarketData(ctx);
  const orders = shared?.orders ?? createOrderQueue(ctx);
  const locks = pgOrderLocks(config.DATABASE_URL, config.ORDER_CONCURRENCY + 1);
  const clients = exchangeClients(db, config);
  const deps: LiveDeps = { ...tradingDeps({ ...ctx, db }, { market, queue: orders }), locks, clients };
  const operations = orderOperations(deps);
  const dlq = new Queue<DeadLetterData>(DEAD_LETTER_QUEUE, {
    connection: ctx.redis,
    prefix: ctx.keys.bullPrefix,
  });
  const connection = ctx.newRedis('orders-worker');
  const worker = new Worker<OrderJobData, OrderJobResult>(
    ORDERS_QUEUE,
    orderProcessor(operations, deps.logger, dlq),
    {
      connection,
      prefix: ctx.keys.bullPrefix,
      concurrency: config.ORDER_CONCURRENCY,
      lockDuration: config.ORDER_LOCK_MS,
      stalledInterval: config.ORDER_LOCK_MS,
      maxStalledCount: 1_000_000,
    },
  );
  worker.on('error', (err) => ctx.logger.error({ err }, 'orders worker error'));
  worker.on('failed', (job, err) =>
    ctx.logger.warn(
      { orderId: job?.data.orderId, attempts: job?.attemptsMade, err: err.message },
      'order job failed',
    ),
  );
  await worker.waitUntilReady();
  const watcher = startTriggerWatcher(deps, operations, {
    intervalMs: config.TRIGGER_POLL_MS,
    queue: orders.queue,
    orphanAfterMs: Math.max(config.ORDER_LOCK_MS, 10_000),
  });
  const news = startNewsSchedule(ctx);
  const venue = config.EXCHANGE === 'sim' ? 'simulated market' : config.EXCHANGE;
  return {
    name: 'worker',
    summary: `orders worker (${config.ORDER_CONCURRENCY} at a time, ${venue}, live ${config.LIVE_TRADING_ENABLED ? 'enabled' : 'off'}), trigger watcher every ${config.TRIGGER_POLL_MS} ms, ${news.summary}`,
    async stop() {
      await worker.close(); // waits for in-flight jobs
      await Promise.all([watcher.stop(), news.stop()]);
      await Promise.allSettled([
        dlq.close(),
        locks.close(),
        clients.close(),
        ...(shared ? [] : [orders.close(), market.close()]),
      ]);
      await db.$disconnect();
      if (connection.status !== 'end') await connection.quit().catch(() => undefined);
    },
  };
}
