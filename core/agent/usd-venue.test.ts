/**
 * Issue 13, item 8: on a USD-quoted venue (Kraken: BTC/USD) "buy 0.01 btc" resolves to the venue's main
 * quote and works in paper mode, with the paper cash in USD; "buy €50 of eth" works where the venue
 * lists ETH/EUR and says why not where it does not. The real ccxt Kraken class talks to the local
 * exchange fake (test/fakes/exchange), through the agent over the real trading core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeExchange, startFakeExchange } from '../../test/fakes/exchange/server.ts';
import { defaultMarkets } from '../../test/fakes/exchange/state.ts';
import { CcxtMarketData } from '../market/ccxt-market.ts';
import { eventNotice } from './present/events.ts';
import { type AgentHarness, actionsOf, createAgentHarness, textOf } from './testing/harness.ts';

async function krakenHarness(label: string, withEur: boolean) {
  const markets = defaultMarkets('USD');
  if (withEur)
    markets.push({
      base: 'ETH',
      quote: 'EUR',
      price: '2950',
      amountDecimals: 4,
      priceDecimals: 2,
      minAmount: '0.001',
      minCost: '5',
    });
  const fake = await startFakeExchange('kraken', { markets });
  const t = await createAgentHarness(label, {
    env: { EXCHANGE: 'kraken', PAPER_START_BALANCE: '10000' },
    market: () => new CcxtMarketData('kraken', { apiBase: fake.url, throttle: false, timeoutMs: 2_000 }),
  });
  return { fake, t };
}

describe('a USD-quoted venue in paper mode (kraken on the exchange fake)', () => {
  let fake: FakeExchange;
  let t: AgentHarness;
  beforeAll(async () => {
    ({ fake, t } = await krakenHarness('usd-venue', false));
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('kraken-buy-resolves-to-usd-and-fills-from-paper-usd', async () => {
    const portfolio = textOf(await t.say('kim', 'my portfolio'));
    expect(portfolio).toMatch(/USD \(cash\) \| 10,000\.00/);
    expect(portfolio).not.toMatch(/USDT/);
    const [card] = actionsOf(await t.say('kim', 'buy 0.01 btc'));
    expect(card, textOf(await t.say('kim', 'buy 0.01 btc'))).toBeDefined();
    expect(card!.markdown).toMatch(/Buy \*\*0\.01 BTC\*\* on BTC\/USD/);
    expect(card!.markdown).toMatch(/total ≈ 65\d\.\d\d USD/);
    await t.press('kim', 'confirm', card!.handle);
    await t.fill();
    const after = textOf(await t.say('kim', 'my portfolio'));
    expect(after).toMatch(/\| BTC \| 0\.01 \|/);
    const cash = Number(/USD \(cash\) \| ([\d,.]+)/.exec(after)![1]!.replace(/,/g, ''));
    expect(cash).toBeGreaterThan(9_340);
    expect(cash).toBeLessThan(9_360);
  });

  it('prices-and-amounts-use-the-market-precision-in-tickers-cards-errors-and-fills', async () => {
    // The fake lists BTC/USD in tenths of a dollar and 0.00001 BTC.
    expect(textOf(await t.say('kim', 'price of btc'))).toMatch(/\*\*BTC\/USD\*\* 65,000\.0 USD/);
    const [card] = actionsOf(await t.say('kim', 'buy 0.01 btc at 60000'));
    expect(card!.markdown).toMatch(/limit 60,000\.0 USD/);
    expect(card!.markdown).toMatch(/At ≈ 60,000\.0 USD/);
    expect(textOf(await t.say('kim', 'buy 0.000015 btc'))).toMatch(
      /BTC amounts on BTC\/USD go in steps of 0\.00001: 0\.00001 or 0\.00002 BTC\./,
    );
    expect(textOf(await t.say('kim', 'buy 0.01 btc at 60000.05'))).toMatch(
      /BTC\/USD prices go in steps of 0\.1: 60,000\.0 or 60,000\.1 USD\./,
    );
    expect(textOf(await t.say('kim', 'sell 1 btc'))).toMatch(
      // Amounts to the market's step, trimmed as on the card ("0.01 BTC"), not padded to "0.01000".
      /Not enough BTC: you have 0\.01 BTC; this order needs 1 BTC\./,
    );
    const fill = eventNotice({
      type: 'order.filled',
      userId: 'u',
      orderId: '00000000-0000-0000-0000-000000000000',
      mode: 'paper',
      symbol: 'BTC/USD',
      side: 'buy',
      amount: '0.01',
      filledAmount: '0.01',
      avgPrice: '65000',
      fee: '0.65',
      feeCurrency: 'USD',
    } as Parameters<typeof eventNotice>[0]);
    expect(fill.markdown).toMatch(/Bought 0\.01 BTC at 65,000\.0 USD, fee 0\.65 USD \(paper\)/);
  });

  it('euro-amount-without-eur-markets-says-why-not', async () => {
    const reply = textOf(await t.say('kim', 'buy €50 of eth'));
    expect(reply).toMatch(/There is no ETH\/EUR market on this exchange; ETH trades against USD here/);
    expect(actionsOf(await t.say('kim', 'buy €50 of eth'))).toHaveLength(0);
  });
});

describe('a venue with EUR markets (kraken fake listing ETH/EUR)', () => {
  let fake: FakeExchange;
  let t: AgentHarness;
  beforeAll(async () => {
    ({ fake, t } = await krakenHarness('eur-venue', true));
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('euro-amount-buys-that-worth-from-paper-usd-and-says-so', async () => {
    const replies = await t.say('eve', 'buy €50 of eth');
    const [card] = actionsOf(replies);
    expect(card, textOf(replies)).toBeDefined();
    // €50 at 2,950 EUR is 0.0169 ETH (the venue's 4 decimals), bought on ETH/USD with the paper USD.
    expect(card!.markdown).toMatch(/Buy \*\*0\.0169 ETH\*\* on ETH\/USD/);
    expect(card!.markdown).toMatch(
      /€50\.00 of ETH at 2,950\.00 EUR \(ETH\/EUR\) ≈ 0\.0169 ETH, paid from your paper USD on ETH\/USD/,
    );
    await t.press('eve', 'confirm', card!.handle);
    await t.fill();
    expect(textOf(await t.say('eve', 'my portfolio'))).toMatch(/\| ETH \| 0\.0169 \|/);
  });

  it('euro-amount-rounded-down-to-the-lot-size-says-so', async () => {
    const [card] = actionsOf(await t.say('eve', 'buy €50 of eth'));
    // €50 at 2,950 EUR is 0.01694915… ETH: 0.0169 in the venue's steps of 0.0001.
    expect(card!.markdown).toMatch(
      /on ETH\/USD; rounded down to the 0\.0001 ETH lot size \(€50\.00 is 0\.01694915… ETH\)/,
    );
  });
});
