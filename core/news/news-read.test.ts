/**
 * The read side of issue 18 on the real store: `/news [coin] [hours] [chart]` through the agent (top
 * headlines with source, age, sentiment and link; the coin's 24 h sentiment with its item count), the
 * rolling 24 h window, full-text search (title above summary, the last week first, older items when the
 * week has too few), the tools' compact JSON with ids and links, and the crypto lexicon's direction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentimentRenderer } from '../../cli/services.ts';
import { newsPort } from '../agent/bindings.ts';
import type { NewsPort } from '../agent/ports.ts';
import { type AgentHarness, createAgentHarness, textOf } from '../agent/testing/harness.ts';
import { FEED_DATA_NOTE, getNews, searchNews } from '../agent/tools/news.ts';
import { newArtifacts, type ToolContext } from '../agent/tools/tool.ts';
import { readDocument } from './poll.ts';
import { scoreSentiment } from './sentiment.ts';
import { storeItems } from './store.ts';
import { rss } from './testing/feed-server.ts';

const HOUR = 3_600_000;

describe('reading the news', () => {
  let t: AgentHarness;
  let news: NewsPort;
  const now = new Date();
  const ago = (h: number) => new Date(now.getTime() - h * HOUR).toUTCString();

  beforeAll(async () => {
    t = await createAgentHarness('news-read');
    news = newsPort(t.h.app.db, sentimentRenderer);
    (t.services as { news?: NewsPort }).news = news;
    const xml = (source: string, items: Parameters<typeof rss>[1]) => rss(source, items);
    const feeds: [string, string, Parameters<typeof rss>[1]][] = [
      [
        'https://coinwire.test/feed',
        'CoinWire',
        [
          {
            title: 'Bitcoin ETF approval sends BTC to a record high',
            link: 'https://coinwire.test/etf',
            date: ago(3),
          },
          {
            title: 'Exchange hack: hackers drain $40M in bitcoin',
            link: 'https://coinwire.test/hack',
            date: ago(10),
          },
          {
            title: 'Bitcoin miners brace for the halving',
            link: 'https://coinwire.test/halving',
            date: ago(30),
          },
          {
            title: 'Solana (SOL) network outage halts blocks',
            link: 'https://coinwire.test/sol',
            summary: 'Validators restarted the chain.',
            date: ago(2),
          },
        ],
      ],
      [
        'https://chaindaily.test/feed',
        'Chain Daily',
        [
          {
            title: 'Markets wrap: a quiet day',
            link: 'https://chaindaily.test/wrap',
            summary: 'Traders talked about the stablecoin reserve audit all day.',
            date: ago(1),
          },
          {
            title: 'Stablecoin reserve audit published',
            link: 'https://chaindaily.test/audit',
            date: ago(5),
          },
          {
            title: 'Tether reserve audit from last month',
            link: 'https://chaindaily.test/old',
            date: ago(24 * 12),
          },
        ],
      ],
    ];
    for (const [url, source, items] of feeds) {
      const { drafts } = readDocument(xml(source, items), url, now, 500);
      await storeItems(t.h.app.db, url, drafts);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('/news btc: the top headlines with source, age, sentiment and link, and the 24 h sentiment with its item count', async () => {
    const lines = textOf(await t.command('alice', 'news', 'btc')).split('\n');
    const etf = scoreSentiment('Bitcoin ETF approval sends BTC to a record high').score;
    const hack = scoreSentiment('Exchange hack: hackers drain $40M in bitcoin').score;
    const mean = Math.round(((etf + hack) / 2) * 1000) / 1000;
    expect(lines[0]).toBe('**News · BTC** · last 24 h');
    // Two BTC items in 24 h; the halving story is 30 h old and counts neither here nor below.
    expect(lines[1]).toBe(
      `24 h sentiment: **${mean > 0 ? '+' : ''}${mean.toFixed(2)}** (${mean >= 0.15 ? 'positive' : mean <= -0.15 ? 'negative' : 'neutral'}) from 2 items.`,
    );
    expect(lines.slice(2)).toHaveLength(2);
    expect(lines[2]).toMatch(
      /^- Bitcoin ETF approval sends BTC to a record high — CoinWire · 3 h ago · \+0\.\d\d · \[link\]\(https:\/\/coinwire\.test\/etf\)$/,
    );
    expect(lines[3]).toMatch(
      /^- Exchange hack: hackers drain \$40M in bitcoin — CoinWire · 10 h ago · -0\.\d\d · \[link\]/,
    );

    const wider = textOf(await t.command('alice', 'news', 'btc 48'));
    expect(wider).toContain('**News · BTC** · last 48 h');
    expect(wider).toContain('Bitcoin miners brace for the halving');
    // The sentiment line stays the rolling 24 h figure.
    expect(wider).toContain('from 2 items.');
  });

  it('/news without a coin lists the market; a coin without news says so; chart adds the per-day image', async () => {
    const all = textOf(await t.command('alice', 'news', ''));
    expect(all.split('\n')[0]).toBe('**News · crypto** · last 24 h');
    expect(all).toContain('Markets wrap: a quiet day — Chain Daily · 1 h ago');
    expect(all).not.toContain('24 h sentiment');

    expect(textOf(await t.command('alice', 'news', 'doge'))).toContain(
      '24 h sentiment: no DOGE items in the last 24 h.',
    );

    const withChart = await t.command('alice', 'news', 'sol chart');
    const image = withChart.find((r) => r.kind === 'image');
    expect(image).toMatchObject({ kind: 'image', filename: 'sol-sentiment.png' });
    expect(image?.kind === 'image' && image.png.subarray(1, 4).toString()).toBe('PNG');
    expect(image?.kind === 'image' && image.alt).toMatch(/SOL/);
  });

  it('/news refuses an hour count it cannot use and a coin it does not know, in words (console tester)', async () => {
    const refusals = {
      'btc 1.5': '"1.5" is not a number of hours: give a whole number from 1 to 168, e.g. /news btc 24.',
      zzz: 'I have no news for a coin named ZZZ: name one such as BTC, ETH or SOL.',
    };
    for (const [args, said] of Object.entries(refusals))
      expect(textOf(await t.command('alice', 'news', args)), args).toBe(said);
    expect(textOf(await t.command('alice', 'news', 'bitcoin 48'))).toContain('**News · BTC** · last 48 h');
  });

  it('an empty or stale /news says when the feeds did not answer, instead of a quiet market', async () => {
    const db = t.h.app.db;
    const urls = ['https://down-a.test/feed', 'https://down-b.test/feed'];
    const reset = () => db.newsFeed.deleteMany({ where: { url: { in: urls } } });
    try {
      await reset();
      expect(
        textOf(await t.command('alice', 'news', 'doge'))
          .split('\n')
          .at(-1),
      ).toBe('No DOGE news in the last 24 h: no news feed has been read yet.');
      await db.newsFeed.createMany({
        data: urls.map((url) => ({ url, failures: 3, lastOutcome: 'network' })),
      });
      expect(
        textOf(await t.command('alice', 'news', 'doge'))
          .split('\n')
          .at(-1),
      ).toBe(
        'No DOGE news in the last 24 h: none of the 2 news feeds answered at the last try, so nothing new has come in.',
      );
      // Headlines still listed, marked as possibly old.
      expect(textOf(await t.command('alice', 'news', 'btc'))).toContain(
        'None of the news feeds answered at the last try: these are the latest stored.',
      );
      await db.newsFeed.update({ where: { url: urls[0]! }, data: { failures: 0, lastOutcome: 'ok' } });
      expect(
        textOf(await t.command('alice', 'news', 'doge'))
          .split('\n')
          .at(-1),
      ).toBe('No DOGE news in the last 24 h (1 of 2 news feeds did not answer at the last try).');
    } finally {
      await reset();
    }
  });

  it('the rolling sentiment counts the items of the window and averages their scores', async () => {
    const day = await news.sentiment('BTC', 24);
    expect(day.items).toBe(2);
    const twoDays = await news.sentiment('BTC', 48);
    expect(twoDays.items).toBe(3);
    const none = await news.sentiment('XRP', 24);
    expect(none).toMatchObject({ items: 0, score: null });
  });

  it('search ranks title hits above summary hits, looks at the last week first and further back only when it finds too few', async () => {
    const top = await news.search({ text: 'reserve audit', limit: 2 });
    expect(top.map((i) => i.title)).toEqual([
      'Stablecoin reserve audit published',
      'Markets wrap: a quiet day',
    ]);
    const more = await news.search({ text: 'reserve audit', limit: 5 });
    expect(more.map((i) => i.title)).toContain('Tether reserve audit from last month');
    expect(await news.search({ text: '"record high" -solana', limit: 5 })).toHaveLength(1);
    expect(await news.search({ text: 'nothing matches this', limit: 5 })).toEqual([]);
  });

  it('the tools give the model compact JSON with ids and links to cite, framed as data', async () => {
    const ctx: ToolContext = {
      actor: undefined as unknown as ToolContext['actor'],
      services: t.services,
      source: 'llm',
      artifacts: newArtifacts(),
      proposalsLeft: 0,
      untrusted: { feedRead: false },
    };
    const got = getNews.forModel!(await getNews.run({ symbol: 'btc/usdt', hours: 24, limit: 8 }, ctx)) as {
      note: string;
      coin: string;
      sentiment24h: { items: number; hours: number };
      items: { id: string; link: string; source: string; ageHours: number }[];
    };
    expect(got.note).toBe(FEED_DATA_NOTE);
    expect(got.coin).toBe('BTC');
    expect(got.sentiment24h).toMatchObject({ items: 2, hours: 24 });
    expect(got.items.map((i) => i.link)).toEqual(['https://coinwire.test/etf', 'https://coinwire.test/hack']);
    for (const i of got.items) expect(i.id).toMatch(/^n\d+$/);
    expect(ctx.untrusted.feedRead).toBe(true);
    const found = searchNews.forModel!(await searchNews.run({ query: 'outage', limit: 8 }, ctx)) as {
      items: { id: string; title: string }[];
    };
    expect(found.items.map((i) => i.title)).toEqual(['Solana (SOL) network outage halts blocks']);
    // An id the model cites resolves to the stored item.
    expect((await news.item(found.items[0]!.id))?.link).toBe('https://coinwire.test/sol');
  });

  it.each([
    ['Bitcoin ETF approval expected this week', 1],
    ['Exchange hack drains hot wallet', -1],
    ['DeFi protocol exploit costs users $10M', -1],
    ['Binance announces delisting of three tokens', -1],
    ['Bitcoin halving is here', 1],
    ['Stablecoin depegs after a bank run', -1],
    ['Ether hits an all-time high', 1],
    ['Founders accused of a rug pull', -1],
    ['SEC is not approving the ETF', -1],
    ['Bitcoin trades sideways', 0],
  ] as const)('lexicon: %s → sign %i', (title, sign) => {
    const { score } = scoreSentiment(title);
    expect(Math.sign(score)).toBe(sign);
    expect(Math.abs(score)).toBeLessThanOrEqual(1);
  });
});
