/**
 * A live createOrder still on its way when the execution deadline passes (stuck in a proxy or a queue,
 * our client long timed out): the exchange may accept it after we looked and found nothing. The order is
 * not given up (EXPIRED, "nothing was bought or sold") while the venue may still accept what was sent;
 * every createOrder carries a venue-side validity (Binance `recvWindow`, Kraken `deadline`), so once it
 * has passed the answer is final: a late arrival is found by client id and its fill recorded truthfully,
 * a request the venue refused as too old leaves nothing behind and the order expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { clientOrderIdFor } from './ids.ts';
import { executeLiveOrder, sendValidityMs } from './live-executor.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

for (const dialect of ['binance', 'kraken'] as const) {
  describe(`a createOrder that reaches ${dialect} after the execution deadline`, () => {
    let h: LiveHarness;
    let trader: Actor;
    beforeAll(async () => {
      h = await createLiveHarness(dialect, `late-create-${dialect}`);
      trader = await h.liveUser('late');
    });
    afterAll(() => h.close());

    const placed = (id: string) =>
      h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(id));
    const status = async (id: string) => (await h.app.db.order.findUniqueOrThrow({ where: { id } })).status;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** A confirmed market order whose createOrder is held `holdMs` on its way to the venue. */
    async function sentLate(holdMs: number): Promise<string> {
      const p = await h.service.propose(trader, { symbol: 'btc', side: 'buy', amount: '0.01' });
      await h.service.confirm(p.handle, trader);
      h.fake.state.inject('createOrder', { kind: 'arrive-late', holdMs });
      // Our client times out, looks the order up by client id and finds nothing yet: uncertain.
      await expect(executeLiveOrder(h.live, p.orderId)).rejects.toMatchObject({
        code: 'ERR_ORDER_UNCERTAIN',
      });
      expect(placed(p.orderId)).toHaveLength(0);
      // The deadline passes while the request is still on its way: the watcher must not give up yet.
      h.clock.now += (h.app.config.MAX_EXECUTION_DELAY_SECONDS + 1) * 1000;
      expect((await executeLiveOrder(h.live, p.orderId, { reconcile: true })).kind).toBe('skipped');
      expect(await status(p.orderId)).toBe('SUBMITTED');
      return p.orderId;
    }

    it('records the fill of a late arrival the venue accepted, never EXPIRED', async () => {
      const id = await sentLate(1_000);
      for (let i = 0; i < 100 && placed(id).length === 0; i++) await sleep(50);
      expect(placed(id)).toHaveLength(1);
      h.clock.now += 120_000;
      expect((await executeLiveOrder(h.live, id, { reconcile: true })).kind).toBe('filled');
      const order = await h.app.db.order.findUniqueOrThrow({ where: { id }, include: { fills: true } });
      expect(order.status).toBe('FILLED');
      expect(order.fills).toHaveLength(1);
      const history = await h.app.db.orderEvent.findMany({ where: { orderId: id }, orderBy: { id: 'asc' } });
      expect(history.map((e) => e.toStatus)).toEqual([
        'PROPOSED',
        'CONFIRMED',
        'QUEUED',
        'SUBMITTED',
        'FILLED',
      ]);
      expect(placed(id)).toHaveLength(1);
    });

    it('expires it once the venue can no longer accept it, and the venue refused the stale request', async () => {
      const validity = sendValidityMs(dialect, h.app.config);
      const id = await sentLate(validity + 700);
      await sleep(validity + 1_000); // the request arrived, too old: refused
      expect(h.fake.state.requests.createOrder).toBeGreaterThan(0);
      expect(placed(id)).toHaveLength(0);
      h.clock.now += 120_000;
      expect((await executeLiveOrder(h.live, id, { reconcile: true })).kind).toBe('expired');
      expect(await status(id)).toBe('EXPIRED');
      expect(placed(id)).toHaveLength(0);
    });
  });
}
