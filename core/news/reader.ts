/**
 * The read side the agent uses (its NewsPort): latest headlines per coin or overall, full-text search,
 * the rolling sentiment of a coin and its daily history. Coin names are resolved here once, so
 * "bitcoin", "BTC" and "BTC/USDT" all read the BTC tag.
 */
import type { Db } from '../db/client.ts';
import { coinCode } from './coins.ts';
import { itemById, latestItems, parseNewsId, searchItems, sentimentByDay, sentimentWindow } from './store.ts';
import type { NewsItemView, SentimentDay, SentimentWindow } from './types.ts';

const HOUR = 3_600_000;

export interface NewsReader {
  /** A coin code for what a user typed, or undefined when no coin of that name is tagged. */
  coin(input: string): string | undefined;
  latest(q: {
    readonly coin?: string;
    readonly hours: number;
    readonly limit: number;
  }): Promise<NewsItemView[]>;
  search(q: { readonly text: string; readonly limit: number }): Promise<NewsItemView[]>;
  item(id: string): Promise<NewsItemView | undefined>;
  /** Mean sentiment of the coin's items over the last `hours` (24 for the rolling figure). */
  sentiment(coin: string, hours: number): Promise<SentimentWindow>;
  /** Per UTC day over the last `days` days, today included. */
  days(coin: string, days: number): Promise<SentimentDay[]>;
  /** The feeds the news role has read, and how many failed at their last try. */
  feeds(): Promise<FeedHealth>;
}

export interface FeedHealth {
  readonly total: number;
  readonly failing: number;
}

export function createNewsReader(db: Db, now: () => Date = () => new Date()): NewsReader {
  return {
    coin: coinCode,
    latest({ coin, hours, limit }) {
      const until = now();
      const since = new Date(until.getTime() - hours * HOUR);
      return latestItems(db, { ...(coin ? { coin } : {}), since, until, limit });
    },
    search: ({ text, limit }) => searchItems(db, { text, limit, until: now() }),
    async item(id) {
      const n = parseNewsId(id);
      return n === undefined ? undefined : itemById(db, n);
    },
    sentiment(coin, hours) {
      const to = now();
      return sentimentWindow(db, coin, new Date(to.getTime() - hours * HOUR), to);
    },
    days(coin, days) {
      const to = now();
      const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() - (days - 1)));
      return sentimentByDay(db, coin, from, to);
    },
    async feeds() {
      const [total, failing] = await Promise.all([
        db.newsFeed.count(),
        db.newsFeed.count({ where: { failures: { gt: 0 } } }),
      ]);
      return { total, failing };
    },
  };
}
