/**
 * A live fill whose average price has more digits than a double holds (a fill across price levels is
 * cost / amount, "3200.123456789012345678"): proposal → confirm → execution on the exchange fake books
 * the venue's exact average and fee. Through floats ccxt handed over 3200.1234567890124 and the fill
 * price, the order's average and the Kraken fee were booked from that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_FEE_RATE } from '../../test/fakes/exchange/state.ts';
import type { Actor } from '../identity/types.ts';
import { dbString, dec } from '../market/decimal.ts';
import { clientOrderIdFor } from './ids.ts';
import { executeLiveOrder } from './live-executor.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

const VENUE_AVERAGE = '3200.123456789012345678';

for (const dialect of ['kraken', 'binance'] as const) {
  describe(`a live fill at a price a double cannot hold: ccxt ${dialect} on the fake`, () => {
    let h: LiveHarness;
    let trader: Actor;
    const quote = dialect === 'kraken' ? 'USD' : 'USDT';
    beforeAll(async () => {
      h = await createLiveHarness(dialect, `live-exact-${dialect}`);
      trader = await h.liveUser('trader');
    });
    afterAll(() => h.close());

    it('books the exact average fill price and fee the venue reports', async () => {
      h.fake.state.setPrice('ETH', quote, VENUE_AVERAGE);
      const amount = '0.0123';
      const p = await h.service.propose(trader, { symbol: 'eth', side: 'buy', amount });
      await h.service.confirm(p.handle, trader);
      expect((await executeLiveOrder(h.live, p.orderId)).kind).toBe('filled');

      const [placed] = h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(p.orderId));
      expect(placed!.avgPrice).toBe(VENUE_AVERAGE);
      expect(String(Number(VENUE_AVERAGE))).not.toBe(VENUE_AVERAGE); // beyond a double
      const order = await h.app.db.order.findUniqueOrThrow({ where: { id: p.orderId } });
      expect(order.status).toBe('FILLED');
      expect(dec(order.avgFillPrice!).toFixed()).toBe(VENUE_AVERAGE);
      const fill = await h.app.db.fill.findFirstOrThrow({ where: { orderId: p.orderId } });
      expect(dec(fill.price).toFixed()).toBe(VENUE_AVERAGE);
      expect(dec(fill.amount).toFixed()).toBe(amount);
      // Kraken charges the quote currency on the cost; Binance takes a buyer's fee in the base asset.
      const fee =
        dialect === 'kraken'
          ? dec(VENUE_AVERAGE).mul(amount).mul(FAKE_FEE_RATE)
          : dec(amount).mul(FAKE_FEE_RATE);
      expect(dec(fill.fee).toFixed()).toBe(dbString(fee));
    });
  });
}
