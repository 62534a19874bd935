/**
 * What a trader reads, through the agent harness over the real trading core (Postgres, Redis, the sim
 * market on a frozen clock, the real paper broker): the portfolio with its cash, cards that estimate
 * what will really happen, order states in words, alerts that say when they cannot be useful. Every
 * platform renders these same replies. Named after what each one proves (issue 13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../market/decimal.ts';
import { readOrderEvents } from '../trading/order-events.ts';
import { evaluateTriggers } from '../trading/triggers.ts';
import { expiresIn } from './present/card.ts';
import { eventNotice } from './present/events.ts';
import { type AgentHarness, actionsOf, createAgentHarness, textOf } from './testing/harness.ts';

/** The numbers of a Markdown table row, e.g. "| BTC | 0.01 | 64,000.00 | ... |" → cells. */
function rows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Asset'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim()),
    );
}
const amountOf = (cell: string) => Number(cell.replace(/[^\d.-]/g, ''));

describe('the trader experience through the agent (issue 13)', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('trader-experience', { env: { PAPER_START_BALANCE: '10000' } });
  });
  afterAll(() => t.close());

  it('a card says its time left in one wording, whether drawn at once or a moment later', async () => {
    expect([120, 119, 91].map(expiresIn)).toEqual(['2 min', '2 min', '2 min']);
    expect([600, 59, 5].map(expiresIn)).toEqual(['10 min', '59 s', '5 s']);
    const [card] = actionsOf(await t.say('exp', 'buy 0.001 btc'));
    expect(card?.markdown).toMatch(/· expires in 2 min\. Only you can confirm it\.$/);
  });

  async function buyAndFill(user: string, text: string): Promise<string> {
    const [card] = actionsOf(await t.say(user, text));
    expect(card, `a card for "${text}"`).toBeDefined();
    await t.press(user, 'confirm', card!.handle);
    await t.fill();
    return card!.markdown;
  }

  it('portfolio-shows-cash-of-a-new-account', async () => {
    const reply = textOf(await t.say('newbie', 'my portfolio'));
    expect(reply).not.toMatch(/empty/);
    expect(reply).toMatch(/total 10,000\.00 USDT/);
    expect(rows(reply)).toEqual([['USDT (cash)', '10,000.00', '–', '10,000.00 USDT', '–', '100.0%']]);
  });

  it('portfolio-rows-add-up-to-the-total-with-entry-pnl-and-share', async () => {
    await buyAndFill('pat', 'buy 0.01 btc');
    await buyAndFill('pat', 'buy $200 of eth');
    const reply = textOf(await t.command('pat', 'portfolio', ''));
    const table = rows(reply);
    expect(table.map((r) => r[0])).toEqual(['USDT (cash)', 'BTC', 'ETH']);
    const total = amountOf(/total ([\d,.]+) USDT/.exec(reply)![1]!);
    const sum = table.reduce((s, r) => s + amountOf(r[3]!), 0);
    // The total is the sum of the rows as shown, to the cent.
    expect(Math.round(sum * 100)).toBe(Math.round(total * 100));
    const btc = table[1]!;
    expect(btc[2]).toMatch(/^\d{2},\d{3}\.\d{2}$/); // average entry with thousands separators
    expect(btc[4]).toMatch(/^[+-]?[\d,.]+ USDT \([+-]?\d+\.\d\d%\)$/); // unrealised PnL money and percent
    const shares = table.map((r) => Number(r[5]!.replace('%', '')));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });

  it('pnl-shows-fees-as-fees-not-as-a-realised-loss', async () => {
    const reply = textOf(await t.command('pat', 'pnl', ''));
    // Nothing was sold: nothing is realised; the two buys cost fees.
    expect(reply).toMatch(/realised on sales 0\.00 USDT/);
    expect(reply).toMatch(/fees paid -[\d.]+ USDT over 2 trades/);
  });

  it('pnl-periods-a-person-types-are-read-or-answered-in-words', async () => {
    expect(textOf(await t.command('pat', 'pnl', '30d'))).toMatch(/PnL over the last 30 days/);
    expect(textOf(await t.say('pat', 'pnl today'))).toMatch(/PnL over the last 24 hours/);
    expect(textOf(await t.command('pat', 'pnl', 'all time'))).toMatch(/PnL since you started/);
    // The harness clock is Mon Jun 1 2026 12:00 UTC.
    expect(textOf(await t.command('pat', 'pnl', 'ytd'))).toMatch(/PnL year to date \(since Jan 1 2026 UTC\)/);
    expect(textOf(await t.command('pat', 'pnl', 'ytd'))).toMatch(
      /^\*\*Paper PnL year to date \(since Jan 1 2026 UTC\)\*\*: [+−-]?[\d,.]+ USDT\n/,
    );
    expect(textOf(await t.command('pat', 'pnl', 'since monday'))).toMatch(
      /PnL since Monday \(since Jun 1 2026 UTC\)/,
    );
    expect(textOf(await t.say('pat', 'what is my pnl this year'))).toMatch(/PnL year to date/);
    const unknown = textOf(await t.command('pat', 'pnl', 'fortnight'));
    expect(unknown).toMatch(/I don't know the period "fortnight"/);
    expect(unknown).toMatch(/"ytd", "year" \(365 days\)/);
  });

  it('limit-card-estimates-the-market-fill', async () => {
    const price = (await t.services.market!.price('BTC/USDT')).ask!;
    const [card] = actionsOf(await t.say('lim', 'buy 0.01 btc at 80k'));
    expect(price).toBeLessThan(80_000);
    expect(card!.markdown).toMatch(/limit 80,000\.00 USDT/);
    expect(card!.markdown).toMatch(/fills now at about the market price/);
    // Not "total ≈ 800.00": the estimate is at the market price.
    expect(card!.markdown).not.toMatch(/total ≈ 800\.00/);
    const est = /Estimated fill ≈ ([\d,.]+) USDT · total ≈ ([\d,.]+) USDT/.exec(card!.markdown)!;
    expect(amountOf(est[1]!)).toBeCloseTo(price, 0);
    expect(amountOf(est[2]!)).toBeCloseTo(price * 0.01, 0);
  });

  it('conditional-card-already-triggered-estimates-the-market-fill', async () => {
    const [card] = actionsOf(await t.say('lim', 'buy 0.01 btc if price goes above 1000'));
    expect(card!.markdown).toMatch(/already above 1,000\.00: it triggers at once/);
    expect(card!.markdown).not.toMatch(/total ≈ 10\.00 USDT/);
  });

  it('card-shows-balance-and-share-after', async () => {
    const [card] = actionsOf(await t.say('fresh', 'buy $1000 of btc'));
    const after = /After: ([\d,.]+) USDT · ([\d.]+) BTC \(BTC would be ([\d.]+)% of your portfolio\)/.exec(
      card!.markdown,
    );
    expect(after, card!.markdown).not.toBeNull();
    expect(amountOf(after![1]!)).toBeGreaterThan(8_990);
    expect(amountOf(after![1]!)).toBeLessThan(9_010);
    expect(Number(after![3])).toBeCloseTo(10, 0);
  });

  it('card-mentions-a-risk-limit-only-when-near', async () => {
    const [small] = actionsOf(await t.say('risk', 'buy $100 of btc'));
    expect(small!.markdown).not.toMatch(/limit per order|Max per order|Daily loss/);
    // MAX_ORDER_NOTIONAL defaults to 10,000: 9,000 is within 80% of it.
    const [near] = actionsOf(await t.say('risk', 'buy $9000 of btc'));
    expect(near!.markdown).toMatch(/Close to your limit per order: [\d,.]+ USDT of 10,000 USDT/);
  });

  it('insufficient-funds-text-has-separators-and-currency', async () => {
    const reply = textOf(await t.say('poor', 'buy 0.2 btc'));
    expect(reply).toMatch(
      /Not enough USDT: you have 10,000\.00 USDT; this order needs \d{2},\d{3}\.\d\d USDT\./,
    );
  });

  it('resting-limit-order-is-said-in-words', async () => {
    await buyAndFill('rest', 'buy 0.01 btc at 30k');
    const reply = textOf(await t.say('rest', 'my open orders'));
    expect(reply).toMatch(/resting at 30,000\.00 USDT — it fills when the price gets there/);
    expect(reply).not.toMatch(/worker/);
  });

  it('alert-whose-condition-already-holds-says-so', async () => {
    const reply = textOf(await t.say('al', 'alert me when btc goes above 1000'));
    expect(reply).toMatch(/already above 1,000\.00 \(now [\d,.]+\), so that alert would fire at once/);
    expect(await t.services.trading!.listAlerts({ ...(await actorOf('al')) })).toEqual([]);
  });

  it('alerts-are-listed-and-cancelled', async () => {
    const set = textOf(await t.say('al', 'alert btc above 200k'));
    const id = /\(`([0-9a-f]{8})`\)/.exec(set)![1]!;
    expect(textOf(await t.say('al', 'my alerts'))).toMatch(new RegExp(`${id}.*BTC/USDT above 200,000\\.00`));
    expect(textOf(await t.say('al', `cancel alert ${id}`))).toMatch(/Alert removed: BTC\/USDT above 200,000/);
    expect(textOf(await t.command('al', 'alerts', ''))).toMatch(/no active alerts/);
    expect(textOf(await t.say('al', 'cancel alert 0000aaaa'))).toMatch(/no active alert 0000aaaa/);
    const notAnId = textOf(await t.command('al', 'alerts', 'cancel zzz'));
    expect(notAnId).toBe('You have no alert zzz: an alert id looks like 3f2a9c1e. /alerts lists yours.');
  });

  it('core-emits-alert-trigger-and-fill-events-with-their-text', async () => {
    const start = '0';
    await t.say('ev', 'alert btc above 200k');
    const [card] = actionsOf(await t.say('ev', 'buy 0.01 btc if price goes above 150k'));
    await t.press('ev', 'confirm', card!.handle);
    await evaluateTriggers(t.h.deps, new Map([['BTC/USDT', dec(210_000)]]));
    await t.fill();
    const { userId } = await actorOf('ev');
    const mine = (await readOrderEvents(t.h.app.redis, t.h.app.keys, start, { count: 1000 }))
      .map((e) => e.event)
      .filter((e) => e.userId === userId);
    const notices = mine.map(eventNotice).filter((n) => n.notify);
    const texts = notices.map((n) => n.markdown).join('\n');
    expect(texts).toMatch(/🔔 \*\*Alert:\*\* BTC\/USDT is above 200,000\.00 USDT \(now 210,000\.00\)/);
    expect(texts).toMatch(/🎯 \*\*Triggered\*\* `[0-9a-f]{8}`: BTC\/USDT reached 210,000\.00 USDT/);
    expect(texts).toMatch(
      /✅ \*\*Filled\*\* `[0-9a-f]{8}`: Bought 0\.01 BTC at [\d,.]+ USDT, fee [\d.]+ USDT \(paper\)/,
    );
  });

  it('indicator-period-out-of-range-is-said-not-clamped', async () => {
    const replies = await t.say('opt', 'chart xrp 1w with sma 600');
    expect(replies.some((r) => r.kind === 'image')).toBe(false);
    expect(textOf(replies)).toMatch(/SMA with a period from 2 to 400, not 600/);
    expect(textOf(await t.command('opt', 'chart', 'btc 1h rsi 150'))).toMatch(/RSI .* not 150/);
  });

  it('negative-amount-is-said-not-ignored', async () => {
    const reply = textOf(await t.say('opt', 'buy -1 btc'));
    expect(reply).toMatch(/An amount cannot be negative \("-1"\)/);
    expect(actionsOf(await t.say('opt', 'buy -1 btc'))).toEqual([]);
  });

  it('unknown-chart-option-is-said', async () => {
    const replies = await t.say('opt', 'chart btc 1h log scale');
    expect(textOf(replies)).toMatch(/I cannot draw "log scale" yet/);
    const odd = await t.command('opt', 'chart', { symbol: 'btc', indicators: 'ema20 sparkles' });
    expect(textOf(odd)).toMatch(/I don't know "sparkles" as an indicator/);
  });

  it('more-markets-than-a-command-takes-are-said', async () => {
    const reply = textOf(await t.say('opt', 'price btc eth sol xrp ada doge dot'));
    expect(reply).toMatch(/Up to 5 prices at once; you named 7/);
    expect(textOf(await t.say('opt', 'chart btc eth'))).toMatch(/One chart at a time: BTC or ETH/);
  });

  it('raw-validation-messages-never-reach-a-user', async () => {
    const replies = [
      await t.command('opt', 'keys', 'link kraken short short'),
      await t.command('opt', 'mode', 'turbo'),
      await t.command('opt', 'orders', { scope: 'sometimes' }),
      await t.command('opt', 'alert', { symbol: 'btc', price: 'lots' }),
    ].map(textOf);
    for (const reply of replies) {
      expect(reply).not.toMatch(
        /Invalid option|Too small|Too big|expected (?:one of|string|number)|Invalid input/,
      );
      expect(reply).toMatch(/^I could not read that: .+\. Example: \/\w+/);
    }
    expect(replies[0]).toMatch(/the API key is too short \(at least 8 characters\)/);
    expect(replies[1]).toMatch(/the mode must be one of: paper, live/);
  });

  async function actorOf(user: string) {
    const { userId } = await t.services.identity.resolve({ platform: 'telegram', platformUserId: user });
    return { userId, platform: 'telegram' as const, chatId: `dm-${user}`, chatKind: 'dm' as const };
  }
});
