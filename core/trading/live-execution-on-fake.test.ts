/**
 * Live orders through the real ccxt Kraken and Binance classes against the local fake: fills, fees,
 * and every uncertain outcome reconciled by client order id, never placed twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import { dec } from '../market/decimal.ts';
import { clientOrderIdFor, type OrderId } from './ids.ts';
import { executeLiveOrder } from './live-executor.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

for (const dialect of ['kraken', 'binance'] as const) {
  describe(`live execution: ccxt ${dialect} on the fake`, () => {
    let h: LiveHarness;
    let trader: Actor;
    const quote = dialect === 'kraken' ? 'USD' : 'USDT';
    beforeAll(async () => {
      h = await createLiveHarness(dialect, `live-${dialect}`);
      trader = await h.liveUser('trader');
    });
    afterAll(() => h.close());

    async function confirmed(amount = '0.01', extra: Record<string, unknown> = {}): Promise<OrderId> {
      const p = await h.service.propose(trader, { symbol: 'btc', side: 'buy', amount, ...extra });
      expect(p).toMatchObject({ mode: 'live', symbol: `BTC/${quote}` });
      await h.service.confirm(p.handle, trader);
      return p.orderId;
    }
    const placed = (orderId: string) =>
      h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(orderId));
    const row = (orderId: string) => h.app.db.order.findUniqueOrThrow({ where: { id: orderId } });

    it('places a market order with the derived client id and records the fill and fee', async () => {
      const id = await confirmed();
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      expect(placed(id)).toHaveLength(1);
      const order = await row(id);
      expect(order).toMatchObject({
        status: 'FILLED',
        clientOrderId: clientOrderIdFor(id),
        exchangeOrderId: placed(id)[0]!.id,
      });
      expect(dec(order.filledAmount).toFixed()).toBe('0.01');
      expect(dec(order.avgFillPrice!).toFixed()).toBe('65000');
      // Kraken charges the quote currency; Binance takes a buyer's fee in the base asset.
      const fill = await h.app.db.fill.findFirstOrThrow({ where: { orderId: id } });
      expect(fill.feeCurrency).toBe(dialect === 'kraken' ? quote : 'BTC');
      expect(dec(fill.fee).toFixed()).toBe(dialect === 'kraken' ? '0.65' : '0.00001');
      // Running the job again changes nothing and places nothing.
      expect((await executeLiveOrder(h.live, id)).kind).toBe('skipped');
      expect(placed(id)).toHaveLength(1);
    });

    it('reconciles a createOrder that timed out after the exchange recorded it, without placing twice', async () => {
      const id = await confirmed();
      h.fake.state.inject('createOrder', { kind: 'timeout-after-record', holdMs: 1_500 });
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      expect(placed(id)).toHaveLength(1);
      expect(h.fake.state.duplicateAttempts).toBe(0);
      expect((await row(id)).status).toBe('FILLED');
    });

    it('keeps a timed-out order whose lookup also fails uncertain, then resumes it by looking first', async () => {
      const id = await confirmed();
      h.fake.state.inject('createOrder', { kind: 'timeout-after-record', holdMs: 1_500 });
      const lookup = dialect === 'binance' ? 'fetchOrder' : 'listOrders';
      h.fake.state.inject(lookup, { kind: 'http500' });
      const err = await failure(executeLiveOrder(h.live, id));
      expect(err.code).toBe('ERR_ORDER_UNCERTAIN');
      expect(err.retryable).toBe(true);
      expect((await row(id)).status).toBe('SUBMITTED');
      // The retry looks the order up by client id instead of sending it again.
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      expect(placed(id)).toHaveLength(1);
      expect(h.fake.state.duplicateAttempts).toBe(0);
    });

    it('treats an HTTP 500 on createOrder as uncertain: looks, finds nothing, retries once safely', async () => {
      const id = await confirmed();
      h.fake.state.inject('createOrder', { kind: 'http500' });
      expect((await failure(executeLiveOrder(h.live, id))).code).toBe('ERR_ORDER_UNCERTAIN');
      expect(placed(id)).toHaveLength(0);
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      expect(placed(id)).toHaveLength(1);
    });

    it('retries after a rate-limit answer, which certainly placed nothing', async () => {
      const id = await confirmed();
      h.fake.state.inject('createOrder', { kind: 'rate-limit' });
      const err = await failure(executeLiveOrder(h.live, id));
      expect(err.code).toBe('ERR_EXCHANGE_RATE_LIMITED');
      expect(err.retryable).toBe(true);
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      expect(placed(id)).toHaveLength(1);
    });

    it('fails fatally (not retryable) when the exchange refuses for lack of funds', async () => {
      const id = await confirmed();
      h.fake.state.inject('createOrder', { kind: 'insufficient-funds' });
      const err = await failure(executeLiveOrder(h.live, id));
      expect(err.code).toBe('ERR_INSUFFICIENT_FUNDS');
      expect(err.retryable).toBe(false);
      expect(placed(id)).toHaveLength(0);
    });

    it('fails fatally with ERR_EXCHANGE_AUTH when the exchange refuses the keys', async () => {
      const id = await confirmed();
      const saved = new Map(h.fake.state.accounts);
      h.fake.state.accounts.clear();
      try {
        const err = await failure(executeLiveOrder(h.live, id));
        expect(err.code).toBe('ERR_EXCHANGE_AUTH');
        expect(err.retryable).toBe(false);
      } finally {
        for (const [k, v] of saved) h.fake.state.accounts.set(k, v);
      }
    });

    it('leaves a resting limit order open, then records its fill when the market crosses it', async () => {
      const id = await confirmed('0.01', { type: 'limit', limitPrice: '60000' });
      expect((await executeLiveOrder(h.live, id)).kind).toBe('resting');
      expect(await row(id)).toMatchObject({ status: 'SUBMITTED' });
      h.fake.state.setPrice('BTC', quote, '59000');
      expect((await executeLiveOrder(h.live, id)).kind).toBe('filled');
      const order = await row(id);
      expect(dec(order.avgFillPrice!).toFixed()).toBe('60000');
      expect(placed(id)).toHaveLength(1);
      h.fake.state.setPrice('BTC', quote, '65000');
    });

    it('builds the live position from fills (fees in base reduce the coins received)', async () => {
      const position = await h.app.db.position.findUniqueOrThrow({
        where: { userId_mode_asset: { userId: trader.userId, mode: 'LIVE', asset: 'BTC' } },
      });
      const fills = await h.app.db.fill.findMany({ where: { order: { userId: trader.userId } } });
      const received = fills.reduce(
        (s, f) => s.add(dec(f.amount)).sub(f.feeCurrency === 'BTC' ? dec(f.fee) : 0),
        dec(0),
      );
      expect(dec(position.quantity).toFixed()).toBe(received.toFixed());
    });
  });
}
