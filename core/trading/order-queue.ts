/**
 * The producer side of the BullMQ `orders` queue. The job id is the order id, so adding the same order
 * twice (a retried confirmation, the recovery sweep) never makes a second job while the first exists;
 * the worker is idempotent for the rest. Retries use exponential backoff with jitter and apply only to
 * retryable failures (the processor turns fatal ones into UnrecoverableError).
 */
import { Job, Queue } from 'bullmq';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { createRedis, type Redis } from '../redis.ts';
import type { OrderQueuePort, TradingMode } from './deps.ts';
import type { OrderId } from './ids.ts';
import { connected } from './order-events.ts';

export const ORDERS_QUEUE = 'orders';
export const DEAD_LETTER_QUEUE = 'orders-dead';

export interface OrderJobData {
  readonly orderId: OrderId;
  /** Absent in jobs added without it (the recovery sweep): the worker looks it up. */
  readonly mode?: TradingMode;
  /** Lets the worker read the market before it locks the order. */
  readonly symbol?: string;
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

/** A command for a pipeline: name and arguments, e.g. ['xadd', [stream, '*', 'type', …]]. */
export type RedisCommand = readonly [name: string, args: readonly (string | number)[]];

export interface OrderQueue extends OrderQueuePort {
  readonly queue: Queue<OrderJobData>;
  /** The producer's fail-fast connection, also right for publishing order events. */
  readonly redis: Redis;
  /**
   * Adds the jobs, then runs `after` (e.g. their notifications' XADDs), in one round trip on `redis`.
   * Redis runs a connection's commands in order, so nobody sees what follows before the jobs. Throws the
   * first error, if any (the commands before it have run).
   */
  enqueueThen(jobs: readonly OrderJobData[], after: readonly RedisCommand[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Redis connection for producers on the money path: commands fail at once while Redis is away and after
 * `QUEUE_COMMAND_TIMEOUT_MS` when it does not answer, instead of queueing forever inside a button press.
 */
export function producerRedis(config: AppContext['config'], name: string): Redis {
  const redis = createRedis({
    url: config.REDIS_URL,
    name,
    failFast: true,
    commandTimeoutMs: config.QUEUE_COMMAND_TIMEOUT_MS,
  });
  redis.on('error', () => undefined); // reported by the commands that fail; reconnects on its own
  return redis;
}

/** `work` or ERR_UNAVAILABLE after `ms`: also bounds what a connection that never became ready would wait. */
export async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('ERR_UNAVAILABLE', `${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createOrderQueue(
  ctx: Pick<AppContext, 'config' | 'keys'>,
  redis: Redis = producerRedis(ctx.config, 'orders-producer'),
): OrderQueue {
  const queue = new Queue<OrderJobData>(ORDERS_QUEUE, { connection: redis, prefix: ctx.keys.bullPrefix });
  queue.on('error', () => undefined); // a failed add rejects to its caller
  const options = orderJobOptions(ctx.config);
  const ms = ctx.config.QUEUE_COMMAND_TIMEOUT_MS;
  return {
    queue,
    redis,
    async enqueue(orderId, mode, symbol) {
      const data = { orderId, ...(mode ? { mode } : {}), ...(symbol ? { symbol } : {}) };
      await bounded(queue.add('execute', data, { ...options, jobId: orderId }), ms, 'queueing the order');
    },
    async enqueueThen(jobs, after) {
      await connected(redis);
      // BullMQ's client over `redis`, its scripts loaded: what queue.add uses, and addBulk's pipeline.
      const pipeline = (await queue.getBackend().client).pipeline();
      for (const data of jobs) {
        // What queue.add does, on the pipeline: the same job id, options and script.
        const job = new Job(queue, 'execute', data, { ...options, jobId: data.orderId }, data.orderId);
        void job.addJob(pipeline);
      }
      for (const [name, args] of after) pipeline.runCommand(name, [...args]);
      const results = (await bounded(pipeline.exec(), ms, 'queueing the order')) ?? [];
      for (const [err, result] of results) {
        if (err) throw err;
        // The add script answers a negative code instead of an id when it refused the job.
        if (typeof result === 'number' && result < 0) throw new Error(`BullMQ refused the job (${result})`);
      }
    },
    async close() {
      await queue.close().catch(() => undefined);
      if (redis.status !== 'end') redis.disconnect();
    },
  };
}
