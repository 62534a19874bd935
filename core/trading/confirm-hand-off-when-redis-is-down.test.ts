/**
 * The Confirm → queue hand-off against a Redis of the test's own that is stopped at the worst moment:
 * the press must answer at once and truthfully, nothing may be lost (the outbox relay queues the order and
 * its notification once Redis is back), and a market order that reaches execution after its deadline
 * expires instead of filling at a price the owner never saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNotice } from '../agent/present/events.ts';
import type { Actor } from '../identity/types.ts';
import { createRedis, type Redis } from '../redis.ts';
import type { TradingDeps } from './deps.ts';
import { readOrderEvents, redisEventPublisher } from './order-events.ts';
import { createOrderQueue, type OrderQueue } from './order-queue.ts';
import { relayOutbox } from './outbox.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingService, type TradingService, tradingDeps } from './service.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';
import { type OwnRedis, startOwnRedis } from './testing/own-redis.ts';

describe('confirm while Redis is away', () => {
  let h: TradingHarness;
  let redis: OwnRedis;
  let queue: OrderQueue;
  let reader: Redis;
  let shared: Redis;
  let service: TradingService;
  let deps: TradingDeps;
  let alice: Actor;

  beforeAll(async () => {
    h = await createTradingHarness('redis-away', {
      QUEUE_COMMAND_TIMEOUT_MS: '300',
      MAX_EXECUTION_DELAY_SECONDS: '30',
    });
    redis = await startOwnRedis();
    const config = { ...h.app.config, REDIS_URL: redis.url };
    // `redis` is what a producer used to share (the app's connection, which queues commands forever);
    // the queue makes its own fail-fast connection to REDIS_URL now.
    const app = { config, keys: h.app.keys, redis: createRedis({ url: redis.url, name: 'test-app' }) };
    app.redis.on('error', () => undefined);
    shared = app.redis;
    queue = createOrderQueue(app);
    await queue.queue.waitUntilReady();
    reader = createRedis({ url: redis.url, name: 'test-reader' });
    reader.on('error', () => undefined);
    const options = {
      market: h.market,
      queue,
      events: redisEventPublisher(queue.redis, h.app.keys),
      now: () => new Date(h.clock.now),
    };
    service = createTradingService(h.app, options);
    deps = tradingDeps(h.app, options);
    alice = await h.user('alice');
  });
  afterAll(async () => {
    reader.disconnect();
    shared.disconnect();
    await queue.close();
    await redis.close();
    await h.close();
  });

  /** Runs the relay until it sends something (the producer reconnects on its own after a restart). */
  async function relayOnceBack(): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const sent = await relayOutbox(deps).catch(() => 0);
      if (sent > 0) return sent;
      await new Promise((r) => setTimeout(r, 50));
    }
    return 0;
  }

  async function events(orderId: string) {
    return (await readOrderEvents(reader, h.app.keys, '0')).filter(
      (e) => 'orderId' in e.event && e.event.orderId === orderId,
    );
  }

  it('Redis stopped during a Confirm: the press answers at once and truthfully, and the order is queued once Redis is back', async () => {
    const p = await service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.01' });
    await redis.stop();
    const result = await service.confirm(p.handle, alice);
    expect(result.status).toBe('confirmed');
    if (result.status !== 'confirmed') return;
    expect(result.handOff).toBe('pending');
    expect(result.notice).toMatch(/executes as soon as it is back, or expires at \d\d:\d\d:\d\d UTC/);
    // Committed with its promise: QUEUED, and the job and the notification waiting in the outbox.
    expect((await h.app.db.order.findUniqueOrThrow({ where: { id: p.orderId } })).status).toBe('QUEUED');
    expect(await h.app.db.outbox.count({ where: { orderId: p.orderId } })).toBe(1);

    await redis.start();
    expect(await relayOnceBack()).toBe(1);
    const job = await queue.queue.getJob(p.orderId);
    expect(job?.data).toMatchObject({ orderId: p.orderId, mode: 'PAPER' });
    expect((await events(p.orderId)).map((e) => e.event.type)).toEqual(['order.queued']);
    expect(await h.app.db.outbox.count({ where: { orderId: p.orderId } })).toBe(0);
  }, 20_000);

  it('a confirmed market order whose queue comes back after the deadline expires instead of filling', async () => {
    const p = await service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' });
    expect(p.maxExecutionDelaySeconds).toBe(30);
    await redis.stop();
    const result = await service.confirm(p.handle, alice);
    expect(result).toMatchObject({ status: 'confirmed', handOff: 'pending' });
    const usdtBefore = await h.app.db.paperBalance.findFirst({
      where: { userId: alice.userId, asset: 'USDT' },
    });

    h.clock.now += 31_000; // the queue is away longer than the deadline
    await redis.start();
    expect(await relayOnceBack()).toBe(1);
    const outcome = await executePaperOrder(deps, p.orderId);
    expect(outcome.kind).toBe('expired');
    const order = await h.app.db.order.findUniqueOrThrow({
      where: { id: p.orderId },
      include: { fills: true },
    });
    expect(order.status).toBe('EXPIRED');
    expect(order.fills).toHaveLength(0);
    expect(order.error).toMatch(/not executed within the allowed time/);
    const usdtAfter = await h.app.db.paperBalance.findFirst({
      where: { userId: alice.userId, asset: 'USDT' },
    });
    expect(usdtAfter?.free.toString()).toBe(usdtBefore?.free.toString());
    const told = await events(p.orderId);
    expect(told.map((e) => e.event.type)).toEqual(['order.queued', 'order.expired']);
    // The owner is told in their DM, with why: otherwise they would believe the order was placed.
    const notice = eventNotice(told[1]!.event);
    expect(notice.notify).toBe(true);
    expect(notice.markdown).toMatch(/Expired .*not executed within the allowed time/);
  }, 20_000);
});
