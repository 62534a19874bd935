/** Hostile and mistaken input: typed errors with a user-facing sentence, and no change anywhere. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import type { ProposeInput } from './proposals.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('bad order input', () => {
  let h: TradingHarness;
  let alice: Actor;
  let snapshot: () => Promise<unknown>;
  beforeAll(async () => {
    h = await createTradingHarness('bad-input');
    alice = await h.user('alice');
    await h.service.portfolio(alice, 'paper'); // the paper account exists before we start
    snapshot = async () => ({
      orders: await h.app.db.order.count(),
      balances: await h.app.db.paperBalance.findMany({ orderBy: { asset: 'asc' } }),
      triggers: await h.app.db.trigger.count(),
      events: await h.app.db.orderEvent.count(),
    });
  });
  afterAll(() => h.close());

  const cases: [string, ProposeInput, string][] = [
    ['-1', { symbol: 'btc', side: 'buy', amount: -1 }, 'ERR_INVALID_AMOUNT'],
    ['"-1"', { symbol: 'btc', side: 'buy', amount: '-1' }, 'ERR_INVALID_AMOUNT'],
    ['0', { symbol: 'btc', side: 'buy', amount: 0 }, 'ERR_INVALID_AMOUNT'],
    ['1e309', { symbol: 'btc', side: 'buy', amount: Number('1e309') }, 'ERR_INVALID_AMOUNT'],
    ['"1e309"', { symbol: 'btc', side: 'buy', amount: '1e309' }, 'ERR_INVALID_AMOUNT'],
    ['NaN', { symbol: 'btc', side: 'buy', amount: Number.NaN }, 'ERR_INVALID_AMOUNT'],
    ['"NaN"', { symbol: 'btc', side: 'buy', amount: 'NaN' }, 'ERR_INVALID_AMOUNT'],
    ['Infinity', { symbol: 'btc', side: 'buy', amount: Number.POSITIVE_INFINITY }, 'ERR_INVALID_AMOUNT'],
    [
      '0.000000001 (below BTC precision)',
      { symbol: 'btc', side: 'buy', amount: '0.000000001' },
      'ERR_INVALID_AMOUNT',
    ],
    ['0.000015 (between steps)', { symbol: 'btc', side: 'buy', amount: '0.000015' }, 'ERR_INVALID_AMOUNT'],
    ['below the minimum notional', { symbol: 'btc', side: 'buy', amount: '0.00001' }, 'ERR_INVALID_AMOUNT'],
    ['"12abc"', { symbol: 'btc', side: 'buy', amount: '12abc' }, 'ERR_INVALID_AMOUNT'],
    [
      '1 USDT (below one step)',
      { symbol: 'btc', side: 'buy', amount: { unit: 'quote', value: '0.0001' } },
      'ERR_INVALID_AMOUNT',
    ],
    ['150 %', { symbol: 'btc', side: 'sell', amount: { unit: 'percent', value: 150 } }, 'ERR_INVALID_AMOUNT'],
    ['more than the balance', { symbol: 'btc', side: 'buy', amount: '5' }, 'ERR_INSUFFICIENT_FUNDS'],
    ['selling what is not held', { symbol: 'eth', side: 'sell', amount: '1' }, 'ERR_INSUFFICIENT_FUNDS'],
    ['unknown symbol', { symbol: 'NOPECOIN', side: 'buy', amount: 1 }, 'ERR_UNKNOWN_SYMBOL'],
    ['unknown quote', { symbol: 'BTC/GBP', side: 'buy', amount: 1 }, 'ERR_UNKNOWN_SYMBOL'],
    [
      'injection in the symbol',
      { symbol: 'btc\'; DROP TABLE "Order";--', side: 'buy', amount: 1 },
      'ERR_UNKNOWN_SYMBOL',
    ],
    [
      'limit price off the tick',
      { symbol: 'btc', side: 'buy', type: 'limit', amount: '0.001', limitPrice: '60000.001' },
      'ERR_INVALID_AMOUNT',
    ],
    [
      'negative limit price',
      { symbol: 'btc', side: 'buy', type: 'limit', amount: '0.001', limitPrice: -5 },
      'ERR_INVALID_AMOUNT',
    ],
    [
      'limit order without a price',
      { symbol: 'btc', side: 'buy', type: 'limit', amount: '0.001' },
      'ERR_VALIDATION',
    ],
    [
      'NaN trigger',
      { symbol: 'btc', side: 'buy', amount: '0.001', trigger: { direction: 'below', price: Number.NaN } },
      'ERR_INVALID_AMOUNT',
    ],
    ['unknown side', { symbol: 'btc', side: 'hold' as 'buy', amount: 1 }, 'ERR_VALIDATION'],
  ];

  it.each(cases)('%s → %s', async (_name, input, code) => {
    const before = await snapshot();
    const err = await h.service.propose(alice, input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(err) ? err.code : err).toBe(code);
    if (isAppError(err)) {
      expect(err.userMessage.length).toBeGreaterThan(5);
      expect(err.userMessage).not.toMatch(/Error|undefined|stack|at \w+ \(/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rejects bad alert prices the same way', async () => {
    const before = await snapshot();
    for (const price of [-1, 0, Number.NaN, '1e309', 'x']) {
      await expect(
        h.service.setAlert(alice, { symbol: 'btc', direction: 'above', price }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_AMOUNT',
      });
    }
    await expect(
      h.service.setAlert(alice, { symbol: 'zzz', direction: 'above', price: 1 }),
    ).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
    });
    expect(await snapshot()).toEqual(before);
  });
});
