/**
 * A venue quoting more digits than a double holds (an 18-decimal token quote, "3200.123456789012345678"):
 * the card, the confirmed order and the paper fill all use the venue's exact price. Through floats the
 * ask "3200.443469134691246913" came back as 3200.4434691346914, and the card's price, notional and fee
 * and the booked fill price were all off from the 13th decimal on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeExchange, startFakeExchange } from '../../test/fakes/exchange/server.ts';
import { defaultMarkets } from '../../test/fakes/exchange/state.ts';
import type { Actor } from '../identity/types.ts';
import { CcxtMarketData } from '../market/ccxt-market.ts';
import { dbString, dec } from '../market/decimal.ts';
import { executePaperOrder } from './paper-broker.ts';
import { slipped } from './proposals.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

const VENUE_PRICE = '3200.123456789012345678';

describe('a venue price a double cannot hold: proposal → confirm → paper fill', () => {
  let fake: FakeExchange;
  let h: TradingHarness;
  let alice: Actor;
  beforeAll(async () => {
    const markets = defaultMarkets('USDT').map((m) =>
      m.base === 'ETH' ? { ...m, price: VENUE_PRICE, priceDecimals: 18 } : m,
    );
    fake = await startFakeExchange('binance', { markets });
    h = await createTradingHarness(
      'venue-price-beyond-double',
      { EXCHANGE: 'binance', EXCHANGE_API_BASE: fake.url, EXCHANGE_THROTTLE: 'false' },
      {
        market: () => new CcxtMarketData('binance', { apiBase: fake.url, throttle: false, timeoutMs: 3_000 }),
      },
    );
    alice = await h.user('alice');
  });
  afterAll(async () => {
    await h.market.close();
    await fake.close();
    await h.close();
  });

  it('books the notional, fee and fill price from the exact ask the venue sent', async () => {
    // What the venue sent, read off the wire: the truth the numbers must come from.
    const wire = (await (await fetch(`${fake.url}/api/v3/ticker/24hr?symbol=ETHUSDT`)).json()) as {
      askPrice: string;
    };
    expect(wire.askPrice).toMatch(/^\d+\.\d{18}$/);
    expect(String(Number(wire.askPrice))).not.toBe(dec(wire.askPrice).toFixed()); // beyond a double
    const market = await h.market.resolveMarket('eth');
    expect(market.priceStep).toBe('0.000000000000000001');

    const amount = '0.1234';
    const price = slipped(market, dec(wire.askPrice), 'BUY', h.app.config.PAPER_SLIPPAGE_BPS);
    const notional = price.mul(amount);
    const fee = notional.mul(h.app.config.PAPER_FEE_RATE);

    const p = await h.service.propose(alice, { symbol: 'eth', side: 'buy', amount });
    expect(p.price).toBe(price.toFixed());
    expect(p.notional).toBe(notional.toDecimalPlaces(8).toFixed());
    expect(p.estimatedFee).toBe(fee.toDecimalPlaces(8).toFixed());
    const proposed = await h.app.db.order.findUniqueOrThrow({ where: { id: p.orderId } });
    expect(dec(proposed.quotedPrice!).toFixed()).toBe(dbString(price));

    await h.service.confirm(p.handle, alice);
    expect((await executePaperOrder(h.deps, p.orderId)).kind).toBe('filled');
    const [fill] = await h.app.db.fill.findMany({ where: { orderId: p.orderId } });
    expect(dec(fill!.price).toFixed()).toBe(dbString(price));
    expect(dec(fill!.fee).toFixed()).toBe(dbString(fee));
    const order = await h.service.order(p.orderId, alice);
    expect(order.avgFillPrice).toBe(dbString(price));
    const usdt = await h.app.db.paperBalance.findFirstOrThrow({
      where: { userId: alice.userId, asset: 'USDT' },
    });
    // The balance keeps the database's 18 places: within one unit of the last place of the exact figure.
    const left = dec(h.app.config.PAPER_START_BALANCE).sub(notional).sub(fee);
    expect(dec(usdt.free).sub(left).abs().lte('1e-18'), `${dec(usdt.free)} vs ${left}`).toBe(true);
  });
});
