/**
 * What happened to orders and alerts, for the adapters to tell their owners. Events go to one Redis
 * stream (keys.key('events', 'orders')) after the database commit; the stream is capped. Adapters read
 * it with XREAD from their last id (or through their own consumer group), so a restart loses nothing
 * that was published. The database history (OrderEvent) remains the record; the stream is the bell.
 */

import type { ChainableCommander } from 'ioredis';
import type { PlatformName } from '../identity/types.ts';
import type { Redis, RedisKeys } from '../redis.ts';

interface OrderRef {
  readonly orderId: string;
  readonly userId: string;
  /** Where the order was placed from, so the notification goes back there. */
  readonly platform: PlatformName;
  readonly chatId: string | null;
  readonly mode: 'paper' | 'live';
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Base amount as a decimal string. */
  readonly amount: string;
  readonly at: string;
}

export type OrderEventMessage =
  | (OrderRef & { readonly type: 'order.queued' })
  | (OrderRef & { readonly type: 'order.submitted' })
  | (OrderRef & { readonly type: 'order.triggered'; readonly price: string })
  | (OrderRef & {
      readonly type: 'order.filled' | 'order.partially_filled';
      readonly filledAmount: string;
      readonly avgPrice: string;
      readonly fee: string;
      readonly feeCurrency: string;
    })
  | (OrderRef & {
      readonly type: 'order.rejected' | 'order.failed';
      readonly code: string;
      /** Safe to show in chat. */
      readonly message: string;
    })
  | (OrderRef & { readonly type: 'order.cancelled' })
  | (OrderRef & {
      readonly type: 'order.expired';
      /** Why a confirmed order ended unexecuted, safe to show in chat; absent when a proposal lapsed unconfirmed. */
      readonly message?: string;
    })
  | {
      readonly type: 'alert.triggered';
      readonly triggerId: string;
      readonly userId: string;
      readonly platform: PlatformName;
      readonly chatId: string | null;
      readonly symbol: string;
      readonly direction: 'above' | 'below';
      readonly level: string;
      readonly price: string;
      readonly note: string | null;
      readonly at: string;
    };

export type OrderEventType = OrderEventMessage['type'];

const MAX_LENGTH = 100_000;

export function orderEventsStream(keys: RedisKeys): string {
  return keys.key('events', 'orders');
}

export interface EventPublisher {
  publish(events: readonly OrderEventMessage[]): Promise<void>;
}

/** A publisher on a Redis connection: a producer on the same connection can send the events in its own round trip. */
export interface RedisEventPublisher extends EventPublisher {
  readonly redis: Redis;
  /** The XADD (name and arguments) of each event. */
  commands(events: readonly OrderEventMessage[]): (readonly ['xadd', (string | number)[]])[];
}

/**
 * Appends events to the stream. Give it a fail-fast connection (`producerRedis`) on the money path: a
 * publish that fails throws, and the outbox keeps the events for the relay.
 */
export function redisEventPublisher(redis: Redis, keys: RedisKeys): RedisEventPublisher {
  const stream = orderEventsStream(keys);
  const xadd = (to: Redis | ChainableCommander, e: OrderEventMessage) =>
    to.xadd(stream, 'MAXLEN', '~', MAX_LENGTH, '*', 'type', e.type, 'data', JSON.stringify(e));
  return {
    redis,
    commands: (events) =>
      events.map((e) => [
        'xadd',
        [stream, 'MAXLEN', '~', MAX_LENGTH, '*', 'type', e.type, 'data', JSON.stringify(e)],
      ]),
    async publish(events) {
      if (events.length === 0) return;
      await connected(redis);
      if (events.length === 1) {
        await xadd(redis, events[0]!);
        return;
      }
      const pipeline = redis.pipeline();
      for (const e of events) void xadd(pipeline, e);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    },
  };
}

/**
 * A fail-fast connection (no offline queue) refuses commands until it is ready: right after a process
 * starts, wait for it a little (its command timeout) instead of failing the first press.
 */
export async function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready' || redis.options.enableOfflineQueue !== false) return;
  const ms = redis.options.commandTimeout ?? 1_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${ms} ms`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

export interface StoredOrderEvent {
  /** Stream id: pass it back as `after` to continue. */
  readonly id: string;
  readonly event: OrderEventMessage;
}

/** Events after `after` ('0' for all, '$' for only new ones), waiting up to `blockMs` when there are none. */
export async function readOrderEvents(
  redis: Redis,
  keys: RedisKeys,
  after: string,
  options: { readonly count?: number; readonly blockMs?: number } = {},
): Promise<StoredOrderEvent[]> {
  const stream = orderEventsStream(keys);
  const count = options.count ?? 100;
  const reply =
    options.blockMs === undefined
      ? await redis.xread('COUNT', count, 'STREAMS', stream, after)
      : await redis.xread('COUNT', count, 'BLOCK', options.blockMs, 'STREAMS', stream, after);
  const entries = reply?.[0]?.[1] ?? [];
  return entries.map(([id, fields]) => {
    const data = fields[fields.indexOf('data') + 1] ?? '{}';
    return { id, event: JSON.parse(data) as OrderEventMessage };
  });
}
