/**
 * Cancelling from chat a live order that rests at the exchange (it answered "cancel it there", though
 * the user has no way but the chat): the trading core marks it, the worker's watcher cancels it at the
 * exchange fake through ccxt on its next pass, and the order becomes CANCELLED with an order.cancelled
 * event for its owner. Asked twice, nothing more happens; an order that filled first stays filled; a
 * cancel the exchange fails (500, 429) is tried again on the next pass, and recorded once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/identity/types.ts';
import { dec } from '../core/market/decimal.ts';
import { liveExecutor, orderOperations } from '../core/trading/executor.ts';
import { clientOrderIdFor } from '../core/trading/ids.ts';
import { createOrderQueue, type OrderQueue } from '../core/trading/order-queue.ts';
import { createLiveHarness, type LiveHarness } from '../core/trading/testing/live.ts';
import { startTriggerWatcher, type Watcher } from './trigger-watcher.ts';

describe('a live order resting at the exchange, cancelled from chat', () => {
  let h: LiveHarness;
  let trader: Actor;
  let queue: OrderQueue;
  let watcher: Watcher;
  beforeAll(async () => {
    h = await createLiveHarness('binance', 'live-cancel-from-chat');
    trader = await h.liveUser('c');
    queue = createOrderQueue(h.app);
    watcher = startTriggerWatcher(
      h.live,
      orderOperations(h.live),
      { intervalMs: 60_000, queue: queue.queue, orphanAfterMs: 600_000 },
      false,
    );
  });
  afterAll(async () => {
    await watcher.stop();
    await queue.close();
    await h.close();
  });

  async function resting(): Promise<string> {
    const last = dec((await h.market.ticker('BTC/USDT')).last);
    const p = await h.service.propose(trader, {
      symbol: 'btc',
      side: 'buy',
      amount: '0.01',
      type: 'limit',
      limitPrice: last.mul(0.9).toDecimalPlaces(1).toFixed(),
    });
    await h.service.confirm(p.handle, trader);
    expect((await liveExecutor(h.live).execute(p.orderId)).kind).toBe('resting');
    return p.orderId;
  }
  const remote = (id: string) => h.fake.state.orders.find((o) => o.clientOrderId === clientOrderIdFor(id));
  const row = (id: string) => h.app.db.order.findUniqueOrThrow({ where: { id } });

  it('is marked, then cancelled at the exchange by the watcher, and recorded as the exchange reports it', async () => {
    const id = await resting();
    const view = await h.service.cancel(id, trader);
    // Before: ERR_ORDER_STATE 'That order is already at the exchange; cancel it there.'
    expect(view).toMatchObject({ status: 'SUBMITTED', cancelRequestedAt: expect.any(Date) });
    expect(remote(id)?.status).toBe('open');
    // Asking again changes nothing.
    const again = await h.service.cancel(id, trader);
    expect(again.cancelRequestedAt).toEqual(view.cancelRequestedAt);

    await watcher.tick();
    expect(remote(id)?.status).toBe('canceled');
    expect(await row(id)).toMatchObject({ status: 'CANCELLED' });
    const events = await h.app.db.orderEvent.findMany({ where: { orderId: id }, orderBy: { id: 'asc' } });
    expect(events.at(-1)).toMatchObject({ fromStatus: 'SUBMITTED', toStatus: 'CANCELLED' });
    const audits = await h.app.db.auditLog.count({
      where: { subjectId: id, action: 'order.cancel_requested' },
    });
    expect(audits).toBe(2);
    await watcher.tick();
    expect(await row(id)).toMatchObject({ status: 'CANCELLED' });
  });

  it('an order that filled at the exchange before the watcher came is recorded as filled', async () => {
    const id = await resting();
    await h.service.cancel(id, trader);
    const limit = dec((await row(id)).limitPrice!);
    h.fake.state.setPrice('BTC', 'USDT', limit.mul(0.99).toDecimalPlaces(2).toFixed());
    try {
      await watcher.tick();
      expect(remote(id)?.status).toBe('closed');
      expect(await row(id)).toMatchObject({ status: 'FILLED' });
      expect(await h.app.db.fill.count({ where: { orderId: id } })).toBe(1);
    } finally {
      h.fake.state.setPrice('BTC', 'USDT', '65000');
    }
  });

  it('the exchange failing the cancel: the order stays asked-for and open, and the next pass cancels it', async () => {
    const id = await resting();
    await h.service.cancel(id, trader);
    // A 500, then a 429: each fails the cancel of one pass (the watcher logs it and tries the next).
    h.fake.state.inject('cancelOrder', { kind: 'http500' });
    await watcher.tick();
    expect(remote(id)?.status).toBe('open');
    expect(await row(id)).toMatchObject({ status: 'SUBMITTED', cancelRequestedAt: expect.any(Date) });
    h.fake.state.inject('cancelOrder', { kind: 'rate-limit' });
    await watcher.tick();
    expect(remote(id)?.status).toBe('open');
    expect(await row(id)).toMatchObject({ status: 'SUBMITTED' });
    await watcher.tick();
    expect(remote(id)?.status).toBe('canceled');
    expect(await row(id)).toMatchObject({ status: 'CANCELLED' });
    const events = await h.app.db.orderEvent.findMany({ where: { orderId: id, toStatus: 'CANCELLED' } });
    expect(events).toHaveLength(1);
  });
});
