/**
 * A request is never silently changed: an amount in money ("buy $50 of eth", "buy 50 usdt of eth") or a
 * percentage becomes whole steps of the market's amount, rounded down, and the proposal says so (its
 * `note`, shown on the card of every platform), with what the money would have bought unrounded. Money
 * in a currency the paper account does not hold: core/agent/usd-venue.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, actionsOf, createAgentHarness, textOf } from '../agent/testing/harness.ts';

describe('an amount rounded down to the market step is said on the proposal', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('rounded-amount-is-said', { env: { PAPER_START_BALANCE: '10000' } });
  });
  afterAll(() => t.close());

  for (const text of ['buy $50 of eth', 'buy 50 usdt of eth']) {
    it(`"${text}" says the rounding`, async () => {
      const replies = await t.say('rita', text);
      const [card] = actionsOf(replies);
      expect(card, textOf(replies)).toBeDefined();
      const md = card!.markdown;
      // The sim's ETH/USDT goes in steps of 0.0001 ETH: $50 with the 0.1% fee at ≈ 3,840 is 0.01300… ETH.
      expect(md).toMatch(/Buy \*\*0\.013 ETH\*\* on ETH\/USDT/);
      expect(md).toMatch(
        /_0\.013 ETH ≈ \d\d\.\d\d USDT \(rounded down to the 0\.0001 ETH lot size; 50 USDT buys 0\.0130\d{3}… ETH with the fee\)_/,
      );
    });
  }

  it('a percentage cut to the step says so; an amount that needs no rounding has no note', async () => {
    const [exact] = actionsOf(await t.say('rita', 'buy 0.013 eth'));
    expect(exact!.markdown).not.toMatch(/rounded down/);
    await t.press('rita', 'confirm', exact!.handle);
    await t.fill();
    // 33% of 0.013 ETH is 0.00429 ETH: 0.0042 in steps of 0.0001.
    const replies = await t.say('rita', 'sell 33% of my eth');
    const [pct] = actionsOf(replies);
    expect(pct, textOf(replies)).toBeDefined();
    expect(pct!.markdown).toMatch(/Sell \*\*0\.0042 ETH\*\*/);
    expect(pct!.markdown).toMatch(
      /_0\.0042 ETH ≈ \d+\.\d\d USDT \(rounded down to the 0\.0001 ETH lot size; 33% of your ETH is 0\.00429 ETH\)_/,
    );
  });
});
