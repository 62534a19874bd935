/**
 * Feeds against a local feed server, through the real fetch, parser and Postgres store: RSS 2.0, Atom,
 * conditional requests, and every hostile answer the acceptance lists. Each bad feed is counted in the
 * metrics, leaves nothing half-stored, and backs off; the worker's tick survives all of them at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newsSettings, startNewsSchedule } from '../../worker/news/schedule.ts';
import type { AppContext } from '../context.ts';
import { createTradingTestContext, type TradingTestContext } from '../trading/testing/app-context.ts';
import { newsEncodingFallbacks, newsFetchErrors, newsFetches, newsItems } from './metrics.ts';
import { type PollDeps, pollFeed } from './poll.ts';
import { latestItems } from './store.ts';
import { atom, FeedServer, rss } from './testing/feed-server.ts';

type AnyCounter = { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> };
async function total(counter: AnyCounter, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((a, v) => a + v.value, 0);
}

const NOW = new Date('2026-12-01T12:00:00Z');
const HOST = '127.0.0.1';

describe('news feeds against a local feed server', () => {
  let server: FeedServer;
  let t: TradingTestContext;
  let app: AppContext;
  let deps: PollDeps;

  beforeAll(async () => {
    server = await FeedServer.start();
    t = await createTradingTestContext('news-feeds', {
      NEWS_FETCH_TIMEOUT_MS: '1500',
      NEWS_MAX_BYTES: '1048576',
    });
    app = t.app;
    deps = { db: app.db, logger: app.logger, settings: newsSettings(app.config), now: () => NOW };
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const stored = (feedUrl: string) =>
    app.db.newsItem.findMany({ where: { feedUrl }, orderBy: { id: 'asc' } });
  const feedState = (url: string) => app.db.newsFeed.findUniqueOrThrow({ where: { url } });

  it('reads RSS 2.0, remembers its ETag and is answered 304 next time, without parsing or storing again', async () => {
    server.route('/rss', {
      etag: '"v1"',
      body: rss('CoinWire', [
        {
          title: 'Bitcoin ETF approval sends BTC to a record high',
          link: 'https://coinwire.test/a',
          summary: '<p>Big <b>day</b>.</p>',
        },
        { title: 'Solana (SOL) network outage halts blocks', link: 'https://coinwire.test/b', guid: 'b-1' },
      ]),
    });
    const url = server.url('/rss');
    const first = await pollFeed(deps, url);
    expect(first).toMatchObject({ outcome: 'ok', stored: 2, duplicates: 0 });
    const items = await stored(url);
    expect(items.map((i) => [i.title, i.source, i.coins])).toEqual([
      ['Bitcoin ETF approval sends BTC to a record high', 'CoinWire', ['BTC']],
      ['Solana (SOL) network outage halts blocks', 'CoinWire', ['SOL']],
    ]);
    expect(items[0]!.summary).toBe('Big day.');
    expect(items[0]!.sentiment).toBeGreaterThan(0.3);
    expect(items[1]!.sentiment).toBeLessThan(0);
    expect((await feedState(url)).etag).toBe('"v1"');

    const notModifiedBefore = await total(newsFetches, {
      feed: `${HOST}:${new URL(url).port}`,
      outcome: 'not_modified',
    });
    const itemsBefore = await total(newsItems, { result: 'duplicate' });
    const second = await pollFeed(deps, url);
    expect(second).toEqual({ outcome: 'not_modified' });
    expect(server.hits('/rss').at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(await total(newsFetches, { feed: `${HOST}:${new URL(url).port}`, outcome: 'not_modified' })).toBe(
      notModifiedBefore + 1,
    );
    // A re-parse would have counted both items again as duplicates.
    expect(await total(newsItems, { result: 'duplicate' })).toBe(itemsBefore);
    expect(await stored(url)).toHaveLength(2);
    expect((await feedState(url)).failures).toBe(0);
  });

  it('reads Atom and uses Last-Modified for the conditional request', async () => {
    const lastModified = 'Tue, 01 Dec 2026 09:00:00 GMT';
    server.route('/atom', {
      lastModified,
      headers: { 'content-type': 'application/atom+xml' },
      body: atom('Chain Daily', [
        {
          title: 'Ethereum developers schedule the next upgrade',
          link: 'https://chaindaily.test/eth-upgrade',
          date: '2026-12-01T08:30:00Z',
        },
        { title: '<em>Cardano</em> (ADA) founder speaks', link: '/relative/ada', guid: 'urn:ada' },
      ]),
    });
    const url = server.url('/atom');
    expect(await pollFeed(deps, url)).toMatchObject({ outcome: 'ok', stored: 2 });
    const items = await stored(url);
    expect(items.map((i) => [i.title, i.link, i.coins])).toEqual([
      ['Ethereum developers schedule the next upgrade', 'https://chaindaily.test/eth-upgrade', ['ETH']],
      ['Cardano (ADA) founder speaks', server.url('/relative/ada'), ['ADA']],
    ]);
    expect(items[0]!.publishedAt.toISOString()).toBe('2026-12-01T08:30:00.000Z');
    expect(await pollFeed(deps, url)).toEqual({ outcome: 'not_modified' });
    expect(server.hits('/atom').at(-1)!.headers['if-modified-since']).toBe(lastModified);
  });

  it.each([
    [
      'malformed XML',
      '/malformed',
      { body: '<rss version="2.0"><channel><item><title>Half an item</item></channel>' },
      'malformed',
    ],
    [
      'a document that is not a feed',
      '/html-page',
      { body: '<html><body><p>hello</p></body></html>' },
      'not_a_feed',
    ],
    [
      'a 20 MB response streamed without Content-Length',
      '/huge',
      { streamBytes: 20 * 1024 * 1024 },
      'too_large',
    ],
    [
      'a 20 MB response announced by Content-Length',
      '/huge-declared',
      { body: Buffer.alloc(20 * 1024 * 1024, 'a'), headers: { 'content-length': String(20 * 1024 * 1024) } },
      'too_large',
    ],
    ['a feed that never answers', '/hang', { hang: true }, 'timeout'],
    ['a redirect loop', '/loop-a', { status: 302, headers: { location: '/loop-b' } }, 'redirects'],
    [
      'a redirect to javascript:',
      '/bad-redirect',
      { status: 301, headers: { location: 'javascript:alert(1)' } },
      'bad_url',
    ],
    ['an HTTP 500', '/broken', { status: 500, body: 'oops' }, 'http_status'],
  ] as const)('%s: counted, nothing stored, the feed backs off', async (_name, path, route, outcome) => {
    server.route(path, route);
    server.route('/loop-b', { status: 302, headers: { location: '/loop-a' } });
    const url = server.url(path);
    const feed = `${HOST}:${new URL(url).port}`;
    const before = await total(newsFetchErrors, { feed, reason: outcome });
    const result = await pollFeed(deps, url);
    expect(result.outcome).toBe(outcome);
    expect(await total(newsFetchErrors, { feed, reason: outcome })).toBe(before + 1);
    expect(await stored(url)).toHaveLength(0);
    const state = await feedState(url);
    expect(state).toMatchObject({ failures: 1, lastOutcome: outcome });
    // The next attempt waits twice the poll interval; a second failure doubles it again.
    expect(state.nextFetchAt.getTime() - NOW.getTime()).toBe(2 * deps.settings.intervalMs);
    await pollFeed(deps, url);
    const again = await feedState(url);
    expect(again.failures).toBe(2);
    expect(again.nextFetchAt.getTime() - NOW.getTime()).toBe(4 * deps.settings.intervalMs);
  });

  it('follows a short redirect chain to the feed', async () => {
    server.route('/moved', { status: 301, headers: { location: '/moved-2' } });
    server.route('/moved-2', { status: 302, headers: { location: '/rss-new-home' } });
    server.route('/rss-new-home', {
      body: rss('Moved', [{ title: 'Litecoin (LTC) hashrate climbs', link: 'https://moved.test/1' }]),
    });
    expect(await pollFeed(deps, server.url('/moved'))).toMatchObject({ outcome: 'ok', stored: 1 });
  });

  it('reads ISO-8859-1 declared in the XML, and Latin-1 bytes mislabelled as UTF-8', async () => {
    const latin1 = Buffer.from(
      rss(
        'Le Journal Crypto',
        [{ title: 'Bitcoin: la crise du café et des marchés', link: 'https://journal.test/1' }],
        'ISO-8859-1',
      ),
      'latin1',
    );
    server.route('/latin1', { body: latin1, headers: { 'content-type': 'application/rss+xml' } });
    expect(await pollFeed(deps, server.url('/latin1'))).toMatchObject({ outcome: 'ok', stored: 1 });
    expect((await stored(server.url('/latin1')))[0]!.title).toBe('Bitcoin: la crise du café et des marchés');

    const lying = Buffer.from(
      rss('Noticias', [{ title: 'Ethereum en alza: ¿qué pasó?', link: 'https://noticias.test/1' }]),
      'latin1',
    );
    server.route('/lying', {
      body: lying,
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
    });
    const feed = `${HOST}:${new URL(server.url('/lying')).port}`;
    const before = await total(newsEncodingFallbacks, { feed });
    expect(await pollFeed(deps, server.url('/lying'))).toMatchObject({ outcome: 'ok', stored: 1 });
    expect(await total(newsEncodingFallbacks, { feed })).toBe(before + 1);
    const [item] = await stored(server.url('/lying'));
    expect(item!.title).toBe('Ethereum en alza: ¿qué pasó?');
    expect(item!.title).not.toContain('\uFFFD');
  });

  it('strips HTML and scripts from titles and summaries, and rejects items without a usable title or link', async () => {
    server.route('/html', {
      body: rss('Hostile <b>Wire</b>', [
        {
          title: '<script>alert("x")</script>Bitcoin <b>breaks</b> $100K',
          link: 'https://hostile.test/1',
          summary: '<img src=x onerror=alert(1)><style>p{}</style>Read <a href="https://evil.test">more</a>',
        },
        {
          title: '&lt;i&gt;Double&lt;/i&gt; escaped ETH news',
          link: 'https://hostile.test/2',
        },
        { title: 'Zero\u200bwidth \u202eRLO\u202c spoof DOGE', link: 'https://hostile.test/3' },
        { title: 'Click me', link: 'javascript:alert(1)' },
        { title: '<script>only a script</script>', link: 'https://hostile.test/5' },
      ]),
    });
    const url = server.url('/html');
    const rejectedBefore = await total(newsItems, { result: 'rejected' });
    expect(await pollFeed(deps, url)).toMatchObject({ outcome: 'ok', stored: 3, rejected: 2 });
    expect(await total(newsItems, { result: 'rejected' })).toBe(rejectedBefore + 2);
    const items = await stored(url);
    expect(items.map((i) => i.title)).toEqual([
      'Bitcoin breaks $100K',
      'Double escaped ETH news',
      'Zero width RLO spoof DOGE',
    ]);
    expect(items[0]!.summary).toBe('Read more');
    expect(items[0]!.source).toBe('Hostile Wire');
    for (const i of items)
      expect(`${i.title} ${i.summary} ${i.link}`).not.toMatch(/<|>|script|alert|javascript/i);
  });

  it('stores one story once across two feeds: the same link (tracking parameters aside) or the same title', async () => {
    server.route('/dup-a', {
      body: rss('Wire A', [
        { title: 'Ripple wins appeal; XRP jumps 20%', link: 'https://a.test/xrp' },
        { title: 'Dogecoin whales accumulate', link: 'https://shared.test/doge?id=7' },
      ]),
    });
    server.route('/dup-b', {
      body: atom('Wire B', [
        { title: 'RIPPLE WINS APPEAL — XRP JUMPS 20%!', link: 'https://b.test/other-url' },
        {
          title: 'Whales keep buying Dogecoin',
          link: 'https://www.shared.test/doge/?utm_source=rss&id=7#top',
        },
        { title: 'Ripple wins appeal; XRP jumps 20%', link: 'https://a.test/xrp' },
      ]),
    });
    expect(await pollFeed(deps, server.url('/dup-a'))).toMatchObject({ stored: 2, duplicates: 0 });
    expect(await pollFeed(deps, server.url('/dup-b'))).toMatchObject({ stored: 0, duplicates: 3 });
    const xrp = await latestItems(app.db, { coin: 'XRP', since: new Date(0), until: NOW, limit: 10 });
    expect(xrp.map((i) => i.source)).toEqual(['Wire A']);
  });

  it('the worker tick survives every bad feed at once and still stores the good ones', async () => {
    server.route('/good-late', {
      body: rss('Late', [{ title: 'Chainlink (LINK) price climbs', link: 'https://late.test/1' }]),
    });
    const feeds = ['/hang', '/huge', '/malformed', '/loop-a', '/lying', '/good-late'].map((p) =>
      server.url(p),
    );
    const ctx: AppContext = {
      ...app,
      config: { ...app.config, NEWS_FEEDS: feeds },
    };
    // Fresh state so every feed is due now.
    await app.db.newsFeed.deleteMany({ where: { url: { in: feeds } } });
    const schedule = startNewsSchedule(ctx, { tickMs: 3_600_000 });
    await schedule.tick();
    await schedule.stop();
    const states = await app.db.newsFeed.findMany({ where: { url: { in: feeds } } });
    expect(Object.fromEntries(states.map((s) => [new URL(s.url).pathname, s.lastOutcome]))).toEqual({
      '/hang': 'timeout',
      '/huge': 'too_large',
      '/malformed': 'malformed',
      '/loop-a': 'redirects',
      '/lying': 'ok',
      '/good-late': 'ok',
    });
    expect(await stored(server.url('/good-late'))).toHaveLength(1);
  });
});
