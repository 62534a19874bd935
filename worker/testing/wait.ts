/** Waiting on the order-event stream and on the database, without asserting how long anything took. */
import type { Db } from '../../core/db/client.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { type OrderEventMessage, readOrderEvents } from '../../core/trading/order-events.ts';

export async function waitForEvent(
  redis: Redis,
  keys: RedisKeys,
  match: (e: OrderEventMessage) => boolean,
  timeoutMs = 20_000,
): Promise<OrderEventMessage> {
  const deadline = Date.now() + timeoutMs;
  let after = '0';
  while (Date.now() < deadline) {
    for (const { id, event } of await readOrderEvents(redis, keys, after, { count: 500, blockMs: 200 })) {
      after = id;
      if (match(event)) return event;
    }
  }
  throw new Error('timed out waiting for an order event');
}

export async function waitForStatus(
  db: Db,
  orderId: string,
  statuses: readonly string[],
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true } });
    if (order && statuses.includes(order.status)) return order.status;
    if (Date.now() > deadline)
      throw new Error(`order ${orderId} still ${order?.status}, wanted ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
