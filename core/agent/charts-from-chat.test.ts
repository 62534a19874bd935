/**
 * Issue 13, item 7 (chat side) and item 3: what charts/ can draw is reachable by asking, and PnL
 * periods give real numbers for their window. Through the agent harness over the real trading core
 * (Postgres, the sim market on a frozen clock at Mon Jun 1 2026 12:00 UTC, the real paper broker) and
 * the real chart renderer; the PNGs are decoded to check what they show.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, hexToRgb } from '../../charts/png-pixels.ts';
import { themeFor } from '../../charts/theme.ts';
import { dec } from '../market/decimal.ts';
import { equityHistory } from './present/equity-history.ts';
import type { ImageReply, Reply } from './reply.ts';
import { type AgentHarness, actionsOf, createAgentHarness, textOf } from './testing/harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const imageOf = (replies: readonly Reply[]) => replies.find((r): r is ImageReply => r.kind === 'image');
const money = (s: string) => Number(s.replace(/,/g, ''));
/** WRITE_DOCS_IMAGES=1 (scripts/docs-chat-charts.mjs) keeps what the chat sent as docs/img screenshots. */
async function keep(name: string, img: ImageReply): Promise<void> {
  if (process.env.WRITE_DOCS_IMAGES !== '1') return;
  await writeFile(join(import.meta.dirname, '..', '..', 'docs', 'img', name), img.png);
}

describe('charts and periods from chat (issue 13)', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('charts-from-chat', { env: { PAPER_START_BALANCE: '10000' } });
  });
  afterAll(() => t.close());

  async function trade(user: string, text: string): Promise<void> {
    const [card] = actionsOf(await t.say(user, text));
    expect(card, `a card for "${text}"`).toBeDefined();
    await t.press(user, 'confirm', card!.handle);
    await t.fill();
  }

  /** The user's fills, oldest first, moved to the given times (ms before the harness clock). */
  async function backdate(user: string, agoMs: readonly number[]): Promise<void> {
    const { userId } = await t.services.identity.resolve({ platform: 'telegram', platformUserId: user });
    const fills = await t.h.app.db.fill.findMany({ where: { order: { userId } }, orderBy: { at: 'asc' } });
    expect(fills).toHaveLength(agoMs.length);
    for (const [i, f] of fills.entries())
      await t.h.app.db.fill.update({
        where: { id: f.id },
        data: { at: new Date(t.h.clock.now - agoMs[i]!) },
      });
  }

  it('chart-my-equity-draws-the-curve-rebuilt-from-fills-with-drawdown', async () => {
    await trade('eq', 'buy 0.05 btc');
    await trade('eq', 'buy $500 of eth');
    await trade('eq', 'sell 0.02 btc');
    await backdate('eq', [6 * HOUR, 3 * HOUR, HOUR]);
    const replies = await t.say('eq', 'chart my equity');
    const img = imageOf(replies);
    expect(img, textOf(replies)).toBeDefined();
    await keep('chat-equity.png', img!);
    const total = /total ([\d,.]+) USDT/.exec(textOf(await t.say('eq', 'my portfolio')))![1]!;
    // Before the first fill the account was its 10,000 USDT; the last point is today's total.
    expect(img!.alt).toMatch(/^Paper-trading equity curve "Your paper account" in USDT/);
    expect(img!.alt).toContain(`from 10,000.00 to ${total}`);
    expect(img!.alt).toMatch(/maximum drawdown [−-]?\d/);
  });

  it('chart-my-equity-without-trades-says-so', async () => {
    const reply = textOf(await t.say('nobody', 'chart my equity'));
    expect(reply).toMatch(/no trades yet.*10,000\.00 USDT/);
  });

  it('chart-my-portfolio-draws-cash-and-holdings-in-the-light-theme', async () => {
    const img = imageOf(await t.say('eq', 'chart my portfolio in light mode'));
    expect(img).toBeDefined();
    await keep('chat-portfolio-light.png', img!);
    expect(img!.alt).toMatch(/^Paper portfolio allocation "Your paper portfolio", total [\d,.]+ USDT: /);
    expect(img!.alt).toMatch(/USDT cash \d+\.\d%/);
    expect(img!.alt).toMatch(/BTC \d+\.\d%/);
    expect(img!.alt).toMatch(/ETH \d+\.\d%/);
    const px = await decodePng(img!.png);
    expect(px.at(3, px.height - 3)).toEqual(hexToRgb(themeFor('light').background));
    // The slash command reads the same way.
    expect(imageOf(await t.command('eq', 'chart', 'portfolio'))).toBeDefined();
  });

  it('market-chart-in-a-dm-marks-your-fills-average-entry-and-paper', async () => {
    const img = imageOf(await t.say('eq', 'chart btc 15m'));
    expect(img!.alt).toMatch(/^Paper-trading candlestick chart of BTC\/USDT/);
    expect(img!.alt).toMatch(/Your average entry [\d,.]+\./);
    expect(img!.alt).toMatch(/Your fills: 1 buy, 1 sell\./);
    await keep('chat-candles-your-fills.png', img!);
    // In a group the same request shows the market only: fills are the user's own business.
    const group = imageOf(
      await t.say('eq', 'chart btc 15m', { chatKind: 'group', chatId: 'g1', platform: 'telegram' }),
    );
    expect(group!.alt).toMatch(/^Candlestick chart of BTC\/USDT/);
    expect(group!.alt).not.toMatch(/Your fills|average entry/);
    // Someone without trades gets no PAPER mark on market data.
    expect(imageOf(await t.say('nobody', 'chart eth 1h'))!.alt).toMatch(/^Candlestick chart/);
  });

  it('chart-in-the-light-theme-is-asked-by-word', async () => {
    const img = imageOf(await t.say('nobody', 'chart sol 4h ema 20/50 bollinger rsi light theme'));
    expect(img).toBeDefined();
    await keep('chat-candles-light.png', img!);
    const px = await decodePng(img!.png);
    expect(px.at(3, px.height - 3)).toEqual(hexToRgb(themeFor('light').background));
    const dark = await decodePng(imageOf(await t.say('nobody', 'chart sol 4h'))!.png);
    expect(dark.at(3, dark.height - 3)).toEqual(hexToRgb(themeFor('dark').background));
  });

  it('weekly-chart-over-years-names-the-years', async () => {
    const img = imageOf(await t.say('nobody', 'chart btc 1w'));
    expect(img!.alt).toMatch(/120 1w candles, \w+ \d+ (\d{4}) – \w+ \d+ (?!\1)\d{4} UTC/);
    await keep('chat-candles-weekly-years.png', img!);
  });

  it('pnl-periods-are-computed-for-their-window', async () => {
    await trade('per', 'buy 0.02 btc');
    await trade('per', 'sell 0.01 btc');
    await trade('per', 'sell 0.005 btc');
    // Bought 400 days ago, sold a part 100 days ago and a part 2 hours ago (clock: Mon Jun 1 12:00).
    await backdate('per', [400 * DAY, 100 * DAY, 2 * HOUR]);
    const { userId } = await t.services.identity.resolve({ platform: 'telegram', platformUserId: 'per' });
    const fills = await t.h.app.db.fill.findMany({ where: { order: { userId } }, orderBy: { at: 'asc' } });
    const realized = fills.map((f) => dec(f.realizedPnl).add(dec(f.fee)));
    const trades = (period: string, reply: string) => Number(/over (\d+) trades?/.exec(reply)?.[1] ?? period);
    const onSales = (reply: string) => money(/realised on sales ([+-]?[\d,.]+) USDT/.exec(reply)![1]!);
    const expected: Record<string, number[]> = {
      all: [0, 1, 2],
      year: [1, 2],
      ytd: [1, 2],
      '90d': [2],
      'since monday': [2],
      'this month': [2],
    };
    for (const [period, idx] of Object.entries(expected)) {
      const reply = textOf(await t.command('per', 'pnl', period));
      expect(trades(period, reply), `${period}: ${reply}`).toBe(idx.length);
      const want = idx
        .reduce((s, i) => s.add(realized[i]!), dec(0))
        .toDecimalPlaces(2)
        .toNumber();
      expect(onSales(reply), `${period}: ${reply}`).toBeCloseTo(want, 2);
    }
    // Free text reads the same windows.
    expect(textOf(await t.say('per', 'how did I do since monday'))).toMatch(/over 1 trade\b/);
  });
});

describe('equity history', () => {
  it('undoes fills backwards so the first point is the cash before them', () => {
    const points = equityHistory({
      quote: 'USDT',
      holdings: { USDT: '8999', BTC: '0.05' },
      fills: [
        {
          symbol: 'BTC/USDT',
          side: 'buy',
          price: '20000',
          amount: '0.05',
          fee: '1',
          feeCurrency: 'USDT',
          at: new Date(2_000),
        },
      ],
      prices: { BTC: { t: [0, 1_000, 2_000, 3_000], close: [19_000, 19_500, 20_000, 22_000] } },
      current: { BTC: 24_000 },
      grid: [0, 1_000, 2_000, 3_000, 4_000],
    });
    expect(points.map((p) => p.equity)).toEqual([10_000, 10_000, 9_999, 10_099, 10_199]);
  });
});
