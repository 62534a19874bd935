/**
 * Many orders of one user executing at the same time, as the worker does with ORDER_CONCURRENCY > 1:
 * the money runs out part-way, yet no balance goes negative, every filled order is paid for exactly,
 * and the position adds up to the fills (no fill starts from a position another fill is changing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { Decimal, dec } from '../market/decimal.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

const ORDERS = 24;
const AMOUNT = '0.01';

describe('paper orders of one user executing concurrently', () => {
  let h: TradingHarness;
  let trader: Actor;
  beforeAll(async () => {
    h = await createTradingHarness('concurrent-fills', {
      ORDERS_PER_MINUTE: '1000',
      MAX_POSITION_NOTIONAL: '1000000',
    });
    trader = await h.user('busy-trader');
  });
  afterAll(() => h.close());

  const usdt = async () =>
    h.app.db.paperBalance.findUniqueOrThrow({
      where: { userId_asset: { userId: trader.userId, asset: 'USDT' } },
    });

  it('spends the balance down to what it covers and books every fill once', async () => {
    const price = dec((await h.market.ticker('BTC/USDT')).ask!);
    // Each order fits the balance alone; together they cost about twice what the account holds.
    const perOrder = price.mul(AMOUNT).mul('1.002');
    const count = Math.max(ORDERS, Math.ceil(dec(20000).div(perOrder).toNumber()));
    const proposals = [];
    for (let i = 0; i < count; i++) {
      proposals.push(await h.service.propose(trader, { symbol: 'btc', side: 'buy', amount: AMOUNT }));
    }
    for (const p of proposals) await h.service.confirm(p.handle, trader);

    const outcomes = await Promise.all(proposals.map((p) => executePaperOrder(h.deps, p.orderId)));
    const filled = outcomes.filter((o) => o.kind === 'filled');
    const rejected = outcomes.filter((o) => o.kind === 'rejected');
    expect(filled.length + rejected.length).toBe(count);
    expect(filled.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.kind === 'rejected' && r.error.code).toBe('ERR_INSUFFICIENT_FUNDS');

    const fills = await h.app.db.fill.findMany({ where: { order: { userId: trader.userId } } });
    expect(fills).toHaveLength(filled.length);
    const spent = fills.reduce((sum, f) => sum.add(dec(f.price).mul(dec(f.amount))).add(dec(f.fee)), dec(0));
    const cash = await usdt();
    expect(dec(cash.free).toFixed()).toBe(dec(10000).sub(spent).toFixed());
    expect(dec(cash.free).gte(0)).toBe(true);
    expect(dec(cash.locked).isZero()).toBe(true);
    // Not even one more order would have fitted.
    expect(dec(cash.free).lt(perOrder)).toBe(true);

    const bought = dec(AMOUNT).mul(filled.length);
    const btc = await h.app.db.paperBalance.findUniqueOrThrow({
      where: { userId_asset: { userId: trader.userId, asset: 'BTC' } },
    });
    expect(dec(btc.free).toFixed()).toBe(bought.toFixed());
    const position = await h.app.db.position.findUniqueOrThrow({
      where: { userId_mode_asset: { userId: trader.userId, mode: 'PAPER', asset: 'BTC' } },
    });
    expect(dec(position.quantity).toFixed()).toBe(bought.toFixed());
    const cost = fills.reduce((sum, f) => sum.add(dec(f.price).mul(dec(f.amount))), dec(0));
    expect(dec(position.avgEntry).sub(cost.div(bought)).abs().lte(new Decimal('1e-12'))).toBe(true);
    const realized = fills.reduce((sum, f) => sum.add(dec(f.realizedPnl)), dec(0));
    expect(dec(position.realizedPnl).toFixed()).toBe(realized.toFixed());
  });
});
