/**
 * The watcher's agenda says a poll has work exactly when the poll itself would find some: a false
 * "nothing to do" would leave a proposal unexpired, a trigger unevaluated, a resting order unfilled, a
 * cancel unsent or an outbox row unrelayed for as long as it lasts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { dec } from '../market/decimal.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';
import { expireStale, TRIGGER_TTL_MS } from './triggers.ts';
import { watchAgenda } from './watch-agenda.ts';

describe('watch agenda: one read of what the next watcher pass has to do', () => {
  let h: TradingHarness;
  let alice: Actor;
  beforeAll(async () => {
    h = await createTradingHarness('watch-agenda', { ORDERS_PER_MINUTE: '1000' });
    alice = await h.user('alice');
  });
  afterAll(() => h.close());

  const agenda = () => watchAgenda(h.app.db, h.market.exchangeId, new Date(h.clock.now));
  const nothing = { outbox: false, stale: false, triggers: false, resting: false, cancels: false };

  it('nothing to do on an empty database, and after a market order was confirmed and sent', async () => {
    expect(await agenda()).toEqual(nothing);
    const p = await h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.001' });
    expect(await agenda()).toEqual(nothing); // open, not yet expired
    await h.service.confirm(p.handle, alice);
    expect(await agenda()).toEqual(nothing);
  });

  it('a proposal past its expiry, a resting limit, an active trigger and its lapse', async () => {
    const last = dec((await h.market.ticker('BTC/USDT')).last);
    const open = await h.service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.01' });
    const limit = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      type: 'limit',
      amount: '0.001',
      limitPrice: last.mul('0.9').toDecimalPlaces(2).toFixed(),
    });
    await h.service.confirm(limit.handle, alice);
    expect((await executePaperOrder(h.deps, limit.orderId)).kind).toBe('resting');
    expect(await agenda()).toEqual({ ...nothing, resting: true });

    const conditional = await h.service.propose(alice, {
      symbol: 'btc',
      side: 'buy',
      amount: '0.001',
      trigger: { direction: 'below', price: last.mul('0.5').toDecimalPlaces(2).toFixed() },
    });
    await h.service.confirm(conditional.handle, alice);
    expect(await agenda()).toEqual({ ...nothing, resting: true, triggers: true });

    // Past the proposal's expiry (the open one lapses), then past the trigger's.
    const { expiresAt } = await h.app.db.order.findUniqueOrThrow({ where: { id: open.orderId } });
    h.clock.now = Math.max(h.clock.now, expiresAt.getTime()) + 1;
    expect(await agenda()).toMatchObject({ stale: true });
    expect(await expireStale(h.deps)).toBe(1);
    expect(await agenda()).toMatchObject({ stale: false, triggers: true });
    h.clock.now += TRIGGER_TTL_MS;
    expect(await agenda()).toMatchObject({ stale: true });
    expect(await expireStale(h.deps)).toBe(1);
    expect(await agenda()).toEqual({ ...nothing, resting: true });
  });

  it('an outbox row nobody holds, and a live order whose owner asked to cancel it', async () => {
    const p = await h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.001' });
    const row = await h.app.db.outbox.create({
      data: { orderId: p.orderId, type: 'order.queued', claimedUntil: new Date(Date.now() + 60_000) },
    });
    expect(await agenda()).toMatchObject({ outbox: false }); // still leased to its committer
    await h.app.db.outbox.update({ where: { id: row.id }, data: { claimedUntil: new Date(0) } });
    expect(await agenda()).toMatchObject({ outbox: true });
    await h.app.db.outbox.delete({ where: { id: row.id } });

    // The state the trading core leaves a live order in after /cancel (live-cancel-from-chat covers the path).
    await h.app.db.order.update({
      where: { id: p.orderId },
      data: { mode: 'LIVE', status: 'SUBMITTED', cancelRequestedAt: new Date(h.clock.now) },
    });
    expect(await agenda()).toMatchObject({ cancels: true });
  });
});
