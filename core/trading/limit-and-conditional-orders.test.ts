/** Resting paper limit orders, conditional orders and alerts: reservations, single firing, release on cancel. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { Decimal, dec } from '../market/decimal.ts';
import { readOrderEvents } from './order-events.ts';
import { executePaperOrder, fillRestingPaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';
import { evaluateTriggers } from './triggers.ts';

describe('limit orders, conditional orders and alerts (paper)', () => {
  let h: TradingHarness;
  let alice: Actor;
  let last: Decimal;
  beforeAll(async () => {
    h = await createTradingHarness('limits');
    alice = await h.user('alice');
    last = dec((await h.market.ticker('BTC/USDT')).last);
  });
  afterAll(() => h.close());

  const usdt = async () =>
    h.app.db.paperBalance.findUniqueOrThrow({
      where: { userId_asset: { userId: alice.userId, asset: 'USDT' } },
    });

  it('rests a buy limit below the market with its money reserved, and fills at the limit when crossed', async () => {
    const limit = last.mul('0.9').toDecimalPlaces(2);
    const p = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      type: 'limit',
      amount: '0.01',
      limitPrice: limit.toFixed(),
    });
    await h.service.confirm(p.handle, alice);
    expect((await executePaperOrder(h.deps, p.orderId)).kind).toBe('resting');
    const reserved = limit.mul('0.01').mul('1.001');
    expect(dec((await usdt()).locked).toFixed()).toBe(reserved.toFixed());
    expect((await fillRestingPaperOrder(h.deps, p.orderId, limit.add(1))).kind).toBe('skipped');
    expect((await fillRestingPaperOrder(h.deps, p.orderId, limit.sub(1))).kind).toBe('filled');
    const order = await h.service.order(p.orderId, alice);
    expect(order).toMatchObject({ status: 'FILLED', avgFillPrice: limit.toFixed() });
    const after = await usdt();
    expect(dec(after.locked).toFixed()).toBe('0');
    expect(dec(after.free).toFixed()).toBe(dec(10000).sub(reserved).toFixed());
  });

  it('releases the reservation when a resting order is cancelled', async () => {
    const before = await usdt();
    const p = await h.service.propose(alice, {
      symbol: 'eth',
      side: 'buy',
      type: 'limit',
      amount: '0.1',
      limitPrice: '100.00',
    });
    await h.service.confirm(p.handle, alice);
    await executePaperOrder(h.deps, p.orderId);
    expect(dec((await usdt()).locked).gt(0)).toBe(true);
    expect((await h.service.cancel(p.orderId.slice(0, 8), alice)).status).toBe('CANCELLED');
    const after = await usdt();
    expect([dec(after.free).toFixed(), dec(after.locked).toFixed()]).toEqual([
      dec(before.free).toFixed(),
      '0',
    ]);
  });

  it('fires a conditional order once when the price crosses its level', async () => {
    const level = last.mul('0.95').toDecimalPlaces(2);
    const p = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      amount: '0.001',
      trigger: { direction: 'below', price: level.toFixed() },
    });
    const confirmed = await h.service.confirm(p.handle, alice);
    expect(confirmed).toMatchObject({ status: 'confirmed', waitingForTrigger: true });
    expect(h.queued).not.toContain(p.orderId);
    expect(await evaluateTriggers(h.deps, new Map([['BTC/USDT', level.add('0.01')]]))).toBe(0);
    const crossing = new Map([['BTC/USDT', level]]);
    const fired = await Promise.all([evaluateTriggers(h.deps, crossing), evaluateTriggers(h.deps, crossing)]);
    expect(fired[0]! + fired[1]!).toBe(1);
    expect(h.queued.filter((id) => id === p.orderId)).toHaveLength(1);
    expect((await h.service.order(p.orderId, alice)).status).toBe('QUEUED');
    await executePaperOrder(h.deps, p.orderId);
    expect((await h.service.order(p.orderId, alice)).status).toBe('FILLED');
  });

  it('cancels a waiting conditional order together with its trigger', async () => {
    const p = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      amount: '0.01',
      trigger: { direction: 'below', price: '1000.00' },
    });
    await h.service.confirm(p.handle, alice);
    await h.service.cancel(p.orderId, alice);
    expect((await h.app.db.trigger.findFirstOrThrow({ where: { orderId: p.orderId } })).status).toBe(
      'CANCELLED',
    );
    expect(await evaluateTriggers(h.deps, new Map([['BTC/USDT', new Decimal(1)]]))).toBe(0);
    expect(h.queued).not.toContain(p.orderId);
  });

  it('sends an alert once, and a cancelled alert never', async () => {
    const up = await h.service.setAlert(alice, {
      symbol: 'eth',
      direction: 'above',
      price: '5000',
      note: 'moon',
    });
    const down = await h.service.setAlert(alice, { symbol: 'eth', direction: 'above', price: '5000' });
    await h.service.cancelAlert(alice, down.id);
    await expect(h.service.cancelAlert(alice, 'not-an-id')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    for (let i = 0; i < 3; i++) await evaluateTriggers(h.deps, new Map([['ETH/USDT', new Decimal(5001)]]));
    const alerts = (await readOrderEvents(h.app.redis, h.app.keys, '0', { count: 1000 })).filter(
      (e) => e.event.type === 'alert.triggered',
    );
    expect(alerts.map((e) => (e.event as { triggerId: string }).triggerId)).toEqual([up.id]);
    expect((await h.service.listAlerts(alice)).map((a) => [a.id, a.status])).toEqual(
      expect.arrayContaining([
        [up.id, 'FIRED'],
        [down.id, 'CANCELLED'],
      ]),
    );
  });
});
