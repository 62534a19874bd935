/**
 * The committer's side of the outbox on the production wiring (the queue and the publisher on one
 * fail-fast Redis connection): a confirmation's job and its `order.queued` notification go in one round
 * trip, job first, and the sent rows are deleted in batches shared by concurrent deliveries — all of them
 * before the database client disconnects, so a graceful stop leaves nothing for the relay to send twice.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client.ts';
import type { Actor } from '../identity/types.ts';
import { createRedis, type Redis } from '../redis.ts';
import { readOrderEvents } from './order-events.ts';
import { createOrderQueue, ORDERS_QUEUE, type OrderQueue } from './order-queue.ts';
import { relayOutbox, sentRowsRemoved } from './outbox.ts';
import { createTradingService, tradingDeps } from './service.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('outbox: sent rows removed in batches', () => {
  let h: TradingHarness;
  let queue: OrderQueue;
  let reader: Redis;
  let alice: Actor;

  beforeAll(async () => {
    h = await createTradingHarness('outbox-batches', { ORDERS_PER_MINUTE: '1000' });
    queue = createOrderQueue(h.app);
    await queue.queue.waitUntilReady();
    reader = createRedis({ url: h.test.redisUrl, name: 'test-reader' });
    alice = await h.user('alice');
  });
  afterAll(async () => {
    reader.disconnect();
    await queue.close();
    await h.close();
  });

  function serviceOn(db: Db) {
    const options = { market: h.market, queue, now: () => new Date(h.clock.now) };
    const app = { ...h.app, db };
    return { service: createTradingService(app, options), deps: tradingDeps(app, options) };
  }

  it('concurrent confirmations: each order queued once with its notification, every sent row deleted', async () => {
    const { service } = serviceOn(h.app.db);
    const proposals = await Promise.all(
      Array.from({ length: 12 }, () =>
        service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.001' }),
      ),
    );
    const results = await Promise.all(proposals.map((p) => service.confirm(p.handle, alice)));
    expect(results.map((r) => r.status === 'confirmed' && r.handOff)).toEqual(proposals.map(() => 'queued'));

    await sentRowsRemoved(h.app.db);
    expect(await h.app.db.outbox.count()).toBe(0);
    const ids: string[] = proposals.map((p) => p.orderId);
    const jobs = new Queue(ORDERS_QUEUE, { connection: reader, prefix: h.app.keys.bullPrefix });
    try {
      for (const id of ids)
        expect((await jobs.getJob(id))?.data).toMatchObject({ orderId: id, mode: 'PAPER' });
      expect(await jobs.count()).toBe(ids.length);
    } finally {
      await jobs.close();
    }
    const queued = (await readOrderEvents(reader, h.app.keys, '0', { count: 1000 }))
      .map((e) => e.event)
      .filter((e) => e.type === 'order.queued' && 'orderId' in e && ids.includes(e.orderId));
    expect(queued.map((e) => ('orderId' in e ? e.orderId : '')).sort()).toEqual([...ids].sort());
  });

  it("a client's disconnect waits for the rows it has yet to delete: nothing left for the relay", async () => {
    const db = createDb(h.test.databaseUrl, { poolSize: 2 });
    const { service, deps } = serviceOn(db);
    const p = await service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.01' });
    const result = await service.confirm(p.handle, alice);
    expect(result).toMatchObject({ status: 'confirmed', handOff: 'queued' });
    await db.$disconnect();

    expect(await h.app.db.outbox.count({ where: { orderId: p.orderId } })).toBe(0);
    expect(await relayOutbox({ ...deps, db: h.app.db })).toBe(0);
  });
});
