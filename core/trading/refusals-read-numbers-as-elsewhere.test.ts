/**
 * The trading core's sentences write numbers as every other reply does (core/format/numbers.ts): coin
 * amounts trimmed and grouped ("0.013 BTC", "1,000 BTC"), not padded to the market's decimals
 * ("0.01300 BTC"); money with its cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

describe('numbers in the trading core’s refusals', () => {
  let h: TradingHarness;
  let alice: Actor;
  beforeAll(async () => {
    h = await createTradingHarness('refusals-read-numbers');
    alice = await h.user('alice');
  });
  afterAll(() => h.close());

  async function refusal(request: Parameters<TradingHarness['service']['propose']>[1]): Promise<string> {
    const err = await h.service.propose(alice, request).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isAppError(err)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err.userMessage ?? '';
  }

  it('not enough coins: what you have and what the order needs, trimmed and grouped', async () => {
    const p = await h.service.propose(alice, { symbol: 'BTC/USDT', side: 'buy', amount: '0.013' });
    await h.service.confirm(p.handle, alice);
    expect((await executePaperOrder(h.deps, p.orderId)).kind).toBe('filled');
    expect(await refusal({ symbol: 'BTC/USDT', side: 'sell', amount: '1000' })).toBe(
      'Not enough BTC: you have 0.013 BTC; this order needs 1,000 BTC.',
    );
  });

  it('not enough money keeps the cents', async () => {
    expect(await refusal({ symbol: 'BTC/USDT', side: 'buy', amount: '5' })).toMatch(
      /^Not enough USDT: you have 9,\d{3}\.\d\d USDT; this order needs \d{3},\d{3}\.\d\d USDT\.$/,
    );
  });
});
