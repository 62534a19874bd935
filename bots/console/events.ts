/**
 * The console user's notifications: alerts that fire, conditional orders that trigger, fills and
 * failures, read from the trading core's event stream and printed between prompts. Only events that
 * deserve a message (core/agent/present/events.ts) and only the console user's own are shown.
 */
import { type EventNotice, eventNotice } from '../../core/agent/present/events.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { orderEventsStream, readOrderEvents } from '../../core/trading/order-events.ts';

export interface EventWatch {
  stop(): Promise<void>;
}

export async function watchOrderEvents(
  redis: Redis,
  keys: RedisKeys,
  userId: string,
  onNotice: (notice: EventNotice, event: { readonly type: string; readonly orderId?: string }) => void,
): Promise<EventWatch> {
  // Its own connection: a blocking XREAD would hold up every other command on a shared one.
  const conn = redis.duplicate();
  const newest = await conn.xrevrange(orderEventsStream(keys), '+', '-', 'COUNT', 1);
  let after = newest[0]?.[0] ?? '0';
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const batch = await readOrderEvents(conn, keys, after, { blockMs: 500 });
        for (const { id, event } of batch) {
          after = id;
          const notice = eventNotice(event);
          if (notice.userId === userId && notice.notify)
            onNotice(notice, { type: event.type, ...('orderId' in event ? { orderId: event.orderId } : {}) });
        }
      } catch {
        if (stopped) return;
        // Redis away for a moment: try again shortly, the stream keeps what was published.
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      conn.disconnect();
      await loop;
    },
  };
}
