/**
 * The executor interface's `cancel`, on both executors: a resting limit order is cancelled at its venue
 * (the paper broker returns the reservation; ccxt cancels it at the exchange fake, and the venue's state
 * is what we record), and an order that is not resting is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { dec } from '../market/decimal.ts';
import { liveExecutor, type OrderExecutor, paperExecutor } from './executor.ts';
import { clientOrderIdFor } from './ids.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

describe('executor cancel: a resting limit order is cancelled at its venue', () => {
  let paper: TradingHarness;
  let live: LiveHarness;
  let paperTrader: Actor;
  let liveTrader: Actor;
  beforeAll(async () => {
    paper = await createTradingHarness('executor-cancel');
    live = await createLiveHarness('binance', 'executor-cancel-live');
    paperTrader = await paper.user('p');
    liveTrader = await live.liveUser('l');
  });
  afterAll(async () => {
    await paper.close();
    await live.close();
  });

  async function resting(h: TradingHarness, executor: OrderExecutor, actor: Actor) {
    const last = dec((await h.market.ticker('BTC/USDT')).last);
    const limit = last.mul(0.9).toDecimalPlaces(1).toFixed();
    const p = await h.service.propose(actor, {
      symbol: 'btc',
      side: 'buy',
      amount: '0.01',
      type: 'limit',
      limitPrice: limit,
    });
    await h.service.confirm(p.handle, actor);
    expect((await executor.execute(p.orderId)).kind).toBe('resting');
    return p.orderId;
  }

  it('paper: CANCELLED, the reservation back to free', async () => {
    const executor = paperExecutor(paper.deps);
    const id = await resting(paper, executor, paperTrader);
    const before = await paper.app.db.paperBalance.findFirstOrThrow({
      where: { userId: paperTrader.userId, asset: 'USDT' },
    });
    expect(dec(before.locked).gt(0)).toBe(true);
    expect((await executor.cancel(id)).kind).toBe('cancelled');
    const after = await paper.app.db.paperBalance.findFirstOrThrow({
      where: { userId: paperTrader.userId, asset: 'USDT' },
    });
    expect(dec(after.locked).toFixed()).toBe('0');
    expect(dec(after.free).toFixed()).toBe(dec(before.free).add(dec(before.locked)).toFixed());
    expect((await paper.app.db.order.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED');
    expect((await executor.cancel(id)).kind).toBe('skipped');
  });

  it('ccxt: cancelled at the exchange, CANCELLED here, and it no longer fills when the price crosses', async () => {
    const executor = liveExecutor(live.live);
    const id = await resting(live, executor, liveTrader);
    const remote = () => live.fake.state.orders.find((o) => o.clientOrderId === clientOrderIdFor(id));
    expect(remote()?.status).toBe('open');
    expect((await executor.cancel(id)).kind).toBe('cancelled');
    expect(remote()?.status).toBe('canceled');
    const order = await live.app.db.order.findUniqueOrThrow({ where: { id } });
    expect(order).toMatchObject({ status: 'CANCELLED', exchangeOrderId: remote()!.id });
    live.fake.state.setPrice('BTC', 'USDT', '50000');
    try {
      expect((await executor.refresh(id)).kind).toBe('skipped');
      expect(remote()?.status).toBe('canceled');
      expect(await live.app.db.fill.count({ where: { orderId: id } })).toBe(0);
    } finally {
      live.fake.state.setPrice('BTC', 'USDT', '65000');
    }
    expect((await executor.cancel(id)).kind).toBe('skipped');
  });
});
