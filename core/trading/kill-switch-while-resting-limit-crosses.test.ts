/**
 * One execution guard on every path: a resting paper limit order whose price is crossed while the
 * operator's kill switch is on does not fill (it keeps resting, its money reserved), and fills once the
 * switch is off; one that would break a risk limit by now is rejected and its reservation returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { type Decimal, dec } from '../market/decimal.ts';
import { executePaperOrder, fillRestingPaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('the execution guard on resting paper limit orders', () => {
  let h: TradingHarness;
  let alice: Actor;
  let operator: Actor;
  let last: Decimal;
  beforeAll(async () => {
    h = await createTradingHarness('kill-resting', { ADMIN_ACCOUNTS: 'telegram:operator' });
    alice = await h.user('alice');
    operator = await h.user('operator');
    last = dec((await h.market.ticker('BTC/USDT')).last);
  });
  afterAll(() => h.close());

  async function resting(amount: string): Promise<{ orderId: string; limit: Decimal }> {
    const limit = last.mul('0.9').toDecimalPlaces(2);
    const p = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      type: 'limit',
      amount,
      limitPrice: limit.toFixed(),
    });
    await h.service.confirm(p.handle, alice);
    expect((await executePaperOrder(h.deps, p.orderId)).kind).toBe('resting');
    return { orderId: p.orderId, limit };
  }

  it('the kill switch on while a resting paper limit crosses: nothing fills until it is off', async () => {
    const { orderId, limit } = await resting('0.01');
    await h.service.setKillSwitch(operator, true);
    try {
      expect((await fillRestingPaperOrder(h.deps, orderId, limit.sub(1))).kind).toBe('skipped');
      const held = await h.app.db.order.findUniqueOrThrow({
        where: { id: orderId },
        include: { fills: true },
      });
      expect(held.status).toBe('SUBMITTED');
      expect(held.fills).toHaveLength(0);
      expect(dec(held.reservedAmount).gt(0)).toBe(true);
    } finally {
      await h.service.setKillSwitch(operator, false);
    }
    expect((await fillRestingPaperOrder(h.deps, orderId, limit.sub(1))).kind).toBe('filled');
  });

  it('a resting limit that would now break the per-asset limit is rejected and its money returns', async () => {
    const { orderId, limit } = await resting('0.02');
    // The operator lowers this user's per-asset limit below what the fill would make.
    await h.app.db.riskLimit.upsert({
      where: { userId: alice.userId },
      create: {
        userId: alice.userId,
        maxOrderNotional: '10000',
        maxPositionNotional: '10',
        dailyLossLimit: '2000',
        ordersPerMinute: 100,
      },
      update: { maxPositionNotional: '10' },
    });
    const outcome = await fillRestingPaperOrder(h.deps, orderId, limit.sub(1));
    expect(outcome.kind).toBe('rejected');
    const order = await h.app.db.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { fills: true },
    });
    expect(order).toMatchObject({ status: 'REJECTED', reservedAsset: null });
    expect(order.fills).toHaveLength(0);
    expect(order.error).toMatch(/limit per asset/);
    await h.app.db.riskLimit.delete({ where: { userId: alice.userId } });
  });
});
