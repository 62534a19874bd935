/**
 * One poll of one feed, start to finish: conditional fetch, decode, parse, normalise, tag, score, store,
 * and the feed's state (validators, consecutive failures, next attempt) written back. A poll never
 * throws: every failure is recorded on the feed, counted, logged once, and delays the next attempt
 * exponentially (NEWS_POLL_SECONDS × 2^failures, at most NEWS_MAX_BACKOFF_SECONDS).
 */
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { tagCoins } from './coins.ts';
import { decodeFeed } from './decode.ts';
import { FeedFetchError, type FetchLimits, fetchFeed } from './fetch.ts';
import {
  type FetchOutcome,
  feedLabel,
  newsEncodingFallbacks,
  newsFetchErrors,
  newsFetches,
  newsItems,
} from './metrics.ts';
import { normalizeItem, sourceName } from './normalize.ts';
import { FeedParseError, parseFeed } from './parse.ts';
import { scoreSentiment } from './sentiment.ts';
import { type StoreOutcome, storeItems } from './store.ts';
import type { ScoredDraft } from './types.ts';

export interface PollSettings extends FetchLimits {
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  /** Items read from one document at most (a feed of 100,000 entries is cut, not refused). */
  readonly maxItems: number;
}

export interface PollDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly settings: PollSettings;
  readonly now?: () => Date;
  /** The worker is stopping: an in-flight fetch is abandoned and the feed's state left as it was. */
  readonly stop?: AbortSignal;
}

export type PollResult =
  | ({ readonly outcome: 'ok'; readonly items: number; readonly rejected: number } & StoreOutcome)
  | { readonly outcome: 'not_modified' }
  | { readonly outcome: 'stopped' }
  | { readonly outcome: Exclude<FetchOutcome, 'ok' | 'not_modified' | 'stopped'>; readonly error: string };

export function backoffMs(failures: number, s: Pick<PollSettings, 'intervalMs' | 'maxBackoffMs'>): number {
  return Math.min(s.maxBackoffMs, s.intervalMs * 2 ** Math.min(failures, 20));
}

/** Drafts of one decoded document, rejected items counted. */
export function readDocument(
  xml: string,
  feedUrl: string,
  fetchedAt: Date,
  maxItems: number,
): { drafts: ScoredDraft[]; rejected: number } {
  const feed = parseFeed(xml);
  const source = sourceName(feed.title, feedUrl);
  const drafts: ScoredDraft[] = [];
  let rejected = 0;
  for (const raw of feed.items.slice(0, maxItems)) {
    const n = normalizeItem(raw, { url: feedUrl, source }, fetchedAt);
    if (!n.ok) {
      rejected++;
      continue;
    }
    const { score } = scoreSentiment(n.draft.title, n.draft.summary);
    drafts.push({ ...n.draft, coins: tagCoins(n.draft.title), sentiment: score });
  }
  return { drafts, rejected };
}

export async function pollFeed(deps: PollDeps, url: string): Promise<PollResult> {
  const { db, logger, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const feed = await db.newsFeed.upsert({ where: { url }, create: { url }, update: {} });
  const label = feedLabel(url);
  let result: PollResult;
  let validators: { etag?: string | null; lastModified?: string | null } = {};
  try {
    const fetched = await fetchFeed(url, feed, settings, deps.stop);
    if (fetched.kind === 'not_modified') result = { outcome: 'not_modified' };
    else {
      const decoded = decodeFeed(fetched.body, fetched.contentType);
      if (decoded.fallback) newsEncodingFallbacks.inc({ feed: label });
      const { drafts, rejected } = readDocument(decoded.text, fetched.url, now(), settings.maxItems);
      let stored: StoreOutcome;
      try {
        stored = await storeItems(db, url, drafts);
      } catch (err) {
        logger.error({ err, feed: url }, 'news store failed');
        throw new StoreFailed(err instanceof Error ? err.message : String(err));
      }
      validators = { etag: fetched.etag, lastModified: fetched.lastModified };
      newsItems.inc({ result: 'stored' }, stored.stored);
      newsItems.inc({ result: 'duplicate' }, stored.duplicates);
      newsItems.inc({ result: 'rejected' }, rejected);
      result = { outcome: 'ok', items: drafts.length, rejected, ...stored };
    }
  } catch (err) {
    const outcome: Exclude<FetchOutcome, 'ok' | 'not_modified'> =
      err instanceof FeedFetchError || err instanceof FeedParseError
        ? err.reason
        : err instanceof StoreFailed
          ? 'store_failed'
          : 'network';
    if (outcome === 'stopped') return { outcome };
    result = { outcome, error: err instanceof Error ? err.message.slice(0, 300) : String(err) };
  }
  newsFetches.inc({ feed: label, outcome: result.outcome });
  const failed = result.outcome !== 'ok' && result.outcome !== 'not_modified';
  const failures = failed ? feed.failures + 1 : 0;
  if (failed) {
    newsFetchErrors.inc({ feed: label, reason: result.outcome });
    logger.warn(
      { feed: url, outcome: result.outcome, failures, error: 'error' in result ? result.error : undefined },
      'news feed failed',
    );
  }
  const at = now();
  await db.newsFeed.update({
    where: { url },
    data: {
      ...(result.outcome === 'ok'
        ? { etag: validators.etag ?? null, lastModified: validators.lastModified ?? null }
        : {}),
      failures,
      lastFetchedAt: at,
      lastOutcome: result.outcome,
      lastError: 'error' in result ? result.error : null,
      nextFetchAt: new Date(at.getTime() + (failed ? backoffMs(failures, settings) : settings.intervalMs)),
    },
  });
  return result;
}

class StoreFailed extends Error {}
