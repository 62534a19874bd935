/**
 * The order-event feed when a platform refuses a notification for now: the feed tries it again after a
 * pause (doubling), gives up on refusals that retrying cannot help, and a process stopped while an event
 * waits for its next try leaves it pending, unacknowledged, for a live process to claim and tell once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../test/support/env.ts';
import { createLogger } from '../logger.ts';
import { createRedis, type Redis, RedisKeys } from '../redis.ts';
import { type OrderEventMessage, orderEventsStream, redisEventPublisher } from '../trading/order-events.ts';
import {
  type FeedOptions,
  NOTIFY_ATTEMPTS,
  notifyPauseMs,
  type OrderEvent,
  redisOrderEventFeed,
} from './order-events.ts';
import { DeliveryFailure } from './ports.ts';

const connections: Redis[] = [];
const connect = (name: string) => {
  const r = createRedis({ url: TEST_REDIS_URL, name });
  connections.push(r);
  return r;
};
afterAll(() => {
  for (const r of connections) r.disconnect();
});

const triggered = (orderId: string, price: string, at: string): OrderEventMessage => ({
  type: 'order.triggered',
  orderId,
  userId: 'u1',
  platform: 'telegram',
  chatId: null,
  mode: 'paper',
  symbol: 'BTC/USDT',
  side: 'buy',
  amount: '0.01',
  price,
  at,
});

function setup(over: Partial<FeedOptions> = {}) {
  const redis = connect('feed-test');
  const keys = new RedisKeys(`t_feed_${randomBytes(4).toString('hex')}`);
  const options: FeedOptions = {
    redis,
    newRedis: (name) => connect(name),
    keys,
    logger: createLogger({ level: 'silent' }),
    claimIdleMs: 300,
    blockMs: 100,
    retryBaseMs: 50,
    ...over,
  };
  const publish = (n: number) =>
    redisEventPublisher(redis, keys).publish(
      Array.from({ length: n }, (_, i) => triggered(`order-${i}`, '60000', new Date().toISOString())),
    );
  const pending = async (group: string) =>
    Number(((await redis.xpending(orderEventsStream(keys), group)) as [number])[0]);
  return { options, publish, pending };
}

const until = async (what: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('order-event feed retries', () => {
  it('tries an event refused for now again until it passes, then acknowledges it once', async () => {
    const { options, publish, pending } = setup();
    const tries: string[] = [];
    const told: string[] = [];
    const consumer = await redisOrderEventFeed(options).consume('notify:test', async (e: OrderEvent) => {
      const id = e.type === 'alert.triggered' ? e.triggerId : e.orderId;
      tries.push(id);
      if (id === 'order-0' && tries.length < 3) throw new DeliveryFailure('retry', '500: try later');
      told.push(id);
    });
    await publish(2);
    await until(() => told.length === 2);
    await consumer.stop();
    expect(tries).toEqual(['order-0', 'order-0', 'order-0', 'order-1']);
    expect(told).toEqual(['order-0', 'order-1']);
    expect(await pending('notify:test')).toBe(0);
  });

  it('keeps trying through an outage longer than a few tries', async () => {
    const { options, publish, pending } = setup({ retryBaseMs: 1 });
    let tries = 0;
    const told: string[] = [];
    const consumer = await redisOrderEventFeed(options).consume('notify:test', async (e) => {
      if (++tries < 10) throw new DeliveryFailure('retry', '502: bad gateway');
      told.push(e.type);
    });
    await publish(1);
    await until(() => told.length === 1);
    await consumer.stop();
    expect(tries).toBe(10);
    expect(told).toEqual(['order.triggered']);
    expect(await pending('notify:test')).toBe(0);
  });

  it('pauses doubling from the first pause up to a minute, about nine minutes over every try', () => {
    const pauses = Array.from({ length: NOTIFY_ATTEMPTS - 1 }, (_, i) => notifyPauseMs(i + 1, 1_000));
    expect(pauses.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    expect(new Set(pauses.slice(6))).toEqual(new Set([60_000]));
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(543_000);
  });

  it('gives up at once on a refusal that retrying cannot help', async () => {
    const { options, publish, pending } = setup();
    let tries = 0;
    const consumer = await redisOrderEventFeed(options).consume('notify:test', async () => {
      tries++;
      throw new DeliveryFailure('permanent', '403: bot was blocked by the user');
    });
    await publish(1);
    await until(() => tries > 0);
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();
    expect(tries).toBe(1);
    expect(await pending('notify:test')).toBe(0);
  });

  it('stopped while an event waits for its next try: left pending, claimed and told once by another', async () => {
    const { options, publish, pending } = setup({ retryBaseMs: 60_000 });
    let refused = 0;
    const first = await redisOrderEventFeed(options).consume('notify:test', async () => {
      refused++;
      throw new DeliveryFailure('retry', '429: retry after 60');
    });
    await publish(1);
    await until(() => refused === 1);
    await first.stop();
    expect(await pending('notify:test')).toBe(1);
    const told: string[] = [];
    const second = await redisOrderEventFeed(options).consume('notify:test', async (e) => {
      told.push(e.type);
    });
    await until(() => told.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    await second.stop();
    expect(told).toEqual(['order.triggered']);
    expect(await pending('notify:test')).toBe(0);
  });

  it('an event published again (the outbox relay after a crash: a new entry, a later time) is told once', async () => {
    const { options, pending } = setup();
    const told: string[] = [];
    const consumer = await redisOrderEventFeed(options).consume('notify:test', async (e) => {
      told.push(e.type === 'order.triggered' ? `${e.orderId} at ${e.price}` : e.type);
    });
    const event = (at: string, price: string) => triggered('order-9', price, at);
    const publisher = redisEventPublisher(options.redis, options.keys);
    await publisher.publish([event('2026-12-02T10:00:00.000Z', '60000')]);
    await publisher.publish([event('2026-12-02T10:00:15.000Z', '60000')]);
    // What it says differs: a different event of the same order, told.
    await publisher.publish([event('2026-12-02T10:00:16.000Z', '59000')]);
    await until(() => told.length === 2);
    await new Promise((r) => setTimeout(r, 400));
    await consumer.stop();
    expect(told).toEqual(['order-9 at 60000', 'order-9 at 59000']);
    expect(await pending('notify:test')).toBe(0);
  });
});
