/** Confirmed paper orders through the real BullMQ `orders` queue and the worker role. */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNotice } from '../core/agent/present/events.ts';
import type { RoleHandle } from '../core/context.ts';
import { createIdentityService } from '../core/identity/service.ts';
import type { Actor } from '../core/identity/types.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import { createOrderQueue, ORDERS_QUEUE, type OrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService, type TradingService } from '../core/trading/service.ts';
import { createTradingTestContext, type TradingTestContext } from '../core/trading/testing/app-context.ts';
import { startWorkerRole } from './role.ts';
import { waitForEvent, waitForStatus } from './testing/wait.ts';

describe('worker role: paper orders through BullMQ', () => {
  let t: TradingTestContext;
  let worker: RoleHandle;
  let queue: OrderQueue;
  let service: TradingService;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTradingTestContext('worker-paper', { EXCHANGE: 'sim', TRIGGER_POLL_MS: '100' });
    worker = await startWorkerRole(t.app);
    queue = createOrderQueue(t.app);
    service = createTradingService(t.app, { market: createMarketData(t.app), queue });
    const { userId } = await createIdentityService(t.app).resolveUser('telegram', '42');
    alice = { userId, platform: 'telegram', chatId: '42' };
  });
  afterAll(async () => {
    await worker.stop();
    await queue.close();
    await t.close();
  });

  it('executes a confirmed order once, as the job whose id is the order id', async () => {
    const p = await service.propose(alice, { symbol: 'sol', side: 'buy', amount: '1.5' });
    await service.confirm(p.handle, alice);
    const filled = await waitForEvent(
      t.app.redis,
      t.app.keys,
      (e) => e.type === 'order.filled' && e.orderId === p.orderId,
    );
    expect(filled).toMatchObject({ platform: 'telegram', chatId: '42', filledAmount: '1.5' });
    const job = await new Queue(ORDERS_QUEUE, {
      connection: t.app.redis,
      prefix: t.app.keys.bullPrefix,
    }).getJob(p.orderId);
    expect(job?.id).toBe(p.orderId);
    // The event is sent from inside the job, so the job completes a moment after it.
    let state = await job?.getState();
    for (let i = 0; i < 100 && state === 'active'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      state = await job?.getState();
    }
    expect(state).toBe('completed');
    // Enqueuing the same order again (a retried confirmation, the recovery sweep) executes nothing more.
    await queue.enqueue(p.orderId);
    expect(await t.app.db.fill.count({ where: { orderId: p.orderId } })).toBe(1);
  });

  it('fires a conditional order when the price crosses its trigger, then executes it', async () => {
    const price = (await createMarketData(t.app).ticker('ETH/USDT')).last.toNumber();
    // "Buy 0.1 ETH if the price is at or below (current + 5 %)": already true, so the watcher fires it.
    const level = (Math.round(price * 1.05 * 100) / 100).toFixed(2);
    const p = await service.propose(alice, {
      symbol: 'eth',
      side: 'buy',
      amount: '0.1',
      trigger: { direction: 'below', price: level },
    });
    const c = await service.confirm(p.handle, alice);
    expect(c).toMatchObject({ status: 'confirmed', waitingForTrigger: true, order: { status: 'CONFIRMED' } });
    await waitForEvent(
      t.app.redis,
      t.app.keys,
      (e) => e.type === 'order.triggered' && e.orderId === p.orderId,
    );
    expect(await waitForStatus(t.app.db, p.orderId, ['FILLED'])).toBe('FILLED');
    const trigger = await t.app.db.trigger.findFirstOrThrow({ where: { orderId: p.orderId } });
    expect(trigger.status).toBe('FIRED');
  });

  it('sends an alert once when its level is crossed', async () => {
    const alert = await service.setAlert(alice, {
      symbol: 'btc',
      direction: 'above',
      price: '1',
      note: 'always',
    });
    const fired = await waitForEvent(
      t.app.redis,
      t.app.keys,
      (e) => e.type === 'alert.triggered' && e.triggerId === alert.id,
    );
    expect(fired).toMatchObject({ userId: alice.userId, symbol: 'BTC/USDT', level: '1', note: 'always' });
    await new Promise((r) => setTimeout(r, 400)); // several more watcher ticks
    const all = await service.readEvents('0', { count: 10_000 });
    expect(
      all.filter((e) => e.event.type === 'alert.triggered' && e.event.triggerId === alert.id),
    ).toHaveLength(1);
  });

  it('expires an unconfirmed proposal and updates its card, without a DM', async () => {
    const p = await service.propose(alice, { symbol: 'xrp', side: 'buy', amount: '20' });
    await t.app.db.order.update({ where: { id: p.orderId }, data: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await waitForEvent(
      t.app.redis,
      t.app.keys,
      (e) => e.type === 'order.expired' && e.orderId === p.orderId,
    );
    expect(eventNotice(expired).notify).toBe(false);
    expect(await waitForStatus(t.app.db, p.orderId, ['EXPIRED'])).toBe('EXPIRED');
  });
});
