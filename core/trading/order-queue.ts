/**
 * The producer side of the BullMQ `orders` queue. The job id is the order id, so adding the same order
 * twice (a retried confirmation, the recovery sweep) never makes a second job while the first exists;
 * the worker is idempotent for the rest. Retries use exponential backoff with jitter and apply only to
 * retryable failures (the processor turns fatal ones into UnrecoverableError).
 */
import { Queue } from 'bullmq';
import type { AppContext } from '../context.ts';
import type { OrderQueuePort, TradingMode } from './deps.ts';
import type { OrderId } from './ids.ts';

export const ORDERS_QUEUE = 'orders';
export const DEAD_LETTER_QUEUE = 'orders-dead';

export interface OrderJobData {
  readonly orderId: OrderId;
  /** Absent in jobs added without it (the recovery sweep): the worker looks it up. */
  readonly mode?: TradingMode;
}

export interface DeadLetterData {
  readonly orderId: OrderId;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
  readonly at: string;
}

export function orderJobOptions(config: AppContext['config']) {
  return {
    attempts: config.ORDER_ATTEMPTS,
    backoff: { type: 'exponential' as const, delay: config.ORDER_BACKOFF_MS, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export interface OrderQueue extends OrderQueuePort {
  readonly queue: Queue<OrderJobData>;
  close(): Promise<void>;
}

export function createOrderQueue(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>): OrderQueue {
  const queue = new Queue<OrderJobData>(ORDERS_QUEUE, { connection: ctx.redis, prefix: ctx.keys.bullPrefix });
  const options = orderJobOptions(ctx.config);
  return {
    queue,
    async enqueue(orderId, mode) {
      await queue.add('execute', mode ? { orderId, mode } : { orderId }, { ...options, jobId: orderId });
    },
    close: () => queue.close(),
  };
}
