/** A paper round trip: the numbers on the card, the fill, the balances, the position and the history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { Decimal, dec } from '../market/decimal.ts';
import { readOrderEvents } from './order-events.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('paper trading: buy then sell BTC', () => {
  let h: TradingHarness;
  let alice: Actor;
  beforeAll(async () => {
    h = await createTradingHarness('paper-round-trip');
    alice = await h.user('alice');
  });
  afterAll(() => h.close());

  it('proposes with the numbers a trader needs and queues nothing', async () => {
    const ticker = await h.market.ticker('BTC/USDT');
    const p = await h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.01' });
    // Buy at the ask moved up 5 bps to the 0.01 tick.
    const price = dec(ticker.ask!).mul('1.0005').toDecimalPlaces(2, Decimal.ROUND_UP);
    expect(p).toMatchObject({
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      mode: 'paper',
      amount: '0.01',
      price: price.toFixed(),
    });
    const notional = price.mul('0.01');
    expect(p.notional).toBe(notional.toFixed());
    expect(p.estimatedFee).toBe(notional.mul('0.001').toFixed());
    expect(p.balanceAfter).toEqual({
      USDT: dec(10000).sub(notional).sub(notional.mul('0.001')).toFixed(),
      BTC: '0.01',
    });
    expect(Number(p.portfolioShare)).toBeCloseTo(notional.div(100).toNumber(), 1);
    expect(p.riskNotes.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(p.handle)).toBeLessThanOrEqual(64);
    expect(h.queued).toEqual([]);
    expect((await h.service.order(p.orderId, alice)).status).toBe('PROPOSED');
  });

  it('fills a confirmed market order once, and books balances, fee, position and history', async () => {
    const p = await h.service.propose(alice, {
      symbol: 'BTC/USDT',
      side: 'buy',
      amount: { unit: 'base', value: 0.02 },
    });
    const confirmed = await h.service.confirm(p.handle, alice);
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      waitingForTrigger: false,
      order: { status: 'QUEUED' },
    });
    expect(h.queued).toEqual([p.orderId]);

    const outcome = await executePaperOrder(h.deps, p.orderId);
    expect(outcome.kind).toBe('filled');
    expect((await executePaperOrder(h.deps, p.orderId)).kind).toBe('skipped');

    const order = await h.service.order(p.orderId, alice);
    expect(order).toMatchObject({ status: 'FILLED', filledAmount: '0.02', feeCurrency: 'USDT' });
    const price = dec(order.avgFillPrice!);
    const fee = price.mul('0.02').mul('0.001');
    expect(order.fee).toBe(fee.toFixed());
    const balances = await h.app.db.paperBalance.findMany({ where: { userId: alice.userId } });
    const usdt = dec(balances.find((b) => b.asset === 'USDT')!.free);
    expect(usdt.toFixed()).toBe(dec(10000).sub(price.mul('0.02')).sub(fee).toFixed());
    expect(dec(balances.find((b) => b.asset === 'BTC')!.free).toFixed()).toBe('0.02');
    expect(await h.app.db.fill.count({ where: { orderId: p.orderId } })).toBe(1);

    const history = await h.app.db.orderEvent.findMany({
      where: { orderId: p.orderId },
      orderBy: { id: 'asc' },
    });
    expect(history.map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual([
      [null, 'PROPOSED', alice.userId],
      ['PROPOSED', 'CONFIRMED', alice.userId],
      ['CONFIRMED', 'QUEUED', alice.userId],
      ['QUEUED', 'SUBMITTED', 'worker'],
      ['SUBMITTED', 'FILLED', 'worker'],
    ]);
    expect(await h.app.db.auditLog.count({ where: { subjectId: p.orderId } })).toBe(5);
    const events = (await readOrderEvents(h.app.redis, h.app.keys, '0')).filter(
      (e) => 'orderId' in e.event && e.event.orderId === p.orderId,
    );
    expect(events.map((e) => e.event.type)).toEqual(['order.queued', 'order.filled']);
  });

  it('sells half and realises PnL against the average entry, fees included', async () => {
    const before = await h.service.portfolio(alice);
    const btc = before.holdings.find((x) => x.asset === 'BTC')!;
    h.clock.now += 3 * 3_600_000; // the market moves
    const p = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'sell',
      amount: { unit: 'percent', value: 50 },
    });
    expect(p.amount).toBe('0.01');
    await h.service.confirm(p.handle, alice);
    await executePaperOrder(h.deps, p.orderId);
    const sold = await h.service.order(p.orderId, alice);
    const sellPrice = dec(sold.avgFillPrice!);
    const fee = sellPrice.mul('0.01').mul('0.001');
    const fill = await h.app.db.fill.findFirstOrThrow({ where: { orderId: p.orderId } });
    expect(dec(fill.realizedPnl).toFixed()).toBe(
      sellPrice.sub(btc.avgEntry!).mul('0.01').sub(fee).toDecimalPlaces(18, Decimal.ROUND_DOWN).toFixed(),
    );
    const after = await h.service.portfolio(alice);
    expect(after.holdings.find((x) => x.asset === 'BTC')!.quantity).toBe('0.01');
    const report = await h.service.pnl(alice, 'all');
    expect(report.trades).toBe(2);
    expect(dec(report.fees).gt(0)).toBe(true);
  });
});
