/**
 * Two live buys of one asset executed at the same moment, each within the per-asset limit alone but not
 * together: the limit is checked inside the claim transaction, over the locked position and the buys
 * already out at the exchange, so exactly one is placed (Binance dialect of the exchange fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOrderIdFor } from './ids.ts';
import { executeLiveOrder } from './live-executor.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

describe('per-asset limit under concurrent live claims', () => {
  let h: LiveHarness;
  beforeAll(async () => {
    // ETH is 3200 on the fake: 0.5 ETH is 1600 (fits), two of them 3200 (does not).
    h = await createLiveHarness('binance', 'live-asset-limit', {
      MAX_POSITION_NOTIONAL: '2500',
      EXCHANGE_TIMEOUT_MS: '5000', // the held answers must not time out on a busy machine
    });
  });
  afterAll(() => h.close());

  it('two concurrent live buys of one asset against the per-asset limit: exactly one is placed', async () => {
    const bob = await h.liveUser('bob');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = await h.service.propose(bob, { symbol: 'eth', side: 'buy', amount: '0.5' });
      expect((await h.service.confirm(p.handle, bob)).status).toBe('confirmed');
      ids.push(p.orderId);
    }
    h.fake.state.createOrderDelayMs = 300; // both are in flight together
    const outcomes = await Promise.all(ids.map((id) => executeLiveOrder(h.live, id)));
    h.fake.state.createOrderDelayMs = 0;
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['filled', 'rejected']);
    const placed = h.fake.state.orders.filter((o) =>
      ids.some((id) => clientOrderIdFor(id) === o.clientOrderId),
    );
    expect(placed).toHaveLength(1);
    const rejected = await h.app.db.order.findFirstOrThrow({
      where: { id: { in: ids }, status: 'REJECTED' },
    });
    expect(rejected.error).toMatch(/limit per asset/);
  });
});
