/** News counters: every fetch by outcome, every failure by reason, every item by what became of it. */
import { Counter } from 'prom-client';
import { metrics } from '../metrics.ts';
import type { FetchFailure } from './fetch.ts';
import type { FeedParseError } from './parse.ts';

/** Every way a poll can end: fetched, unchanged, or the fetch/parse/store failure. */
export type FetchOutcome = 'ok' | 'not_modified' | FetchFailure | FeedParseError['reason'] | 'store_failed';

export const newsFetches = new Counter({
  name: 'cryptopulse_news_fetches_total',
  help: 'Feed fetches by feed host and outcome (ok, not_modified, or the failure reason).',
  labelNames: ['feed', 'outcome'] as const,
  registers: [metrics],
});

export const newsFetchErrors = new Counter({
  name: 'cryptopulse_news_fetch_errors_total',
  help: 'Failed feed fetches by feed host and reason (timeout, too_large, redirects, malformed, ...).',
  labelNames: ['feed', 'reason'] as const,
  registers: [metrics],
});

export const newsItems = new Counter({
  name: 'cryptopulse_news_items_total',
  help: 'Feed items by result: stored, duplicate, or rejected (no title, bad link).',
  labelNames: ['result'] as const,
  registers: [metrics],
});

export const newsEncodingFallbacks = new Counter({
  name: 'cryptopulse_news_encoding_fallbacks_total',
  help: 'Feeds whose bytes did not match their declared charset and were read as Windows-1252.',
  labelNames: ['feed'] as const,
  registers: [metrics],
});

/** A bounded label: the feed's host, not its full URL. */
export function feedLabel(url: string): string {
  try {
    return new URL(url).host.slice(0, 64);
  } catch {
    return 'invalid';
  }
}

export const newsLlmRequests = new Counter({
  name: 'cryptopulse_news_llm_requests_total',
  help: 'Model requests of the optional news scorer by outcome (ok, failed, unreadable, budget: refused before sending).',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

export const newsLlmTokens = new Counter({
  name: 'cryptopulse_news_llm_tokens_total',
  help: 'Model tokens (prompt + completion) the news scorer used.',
  registers: [metrics],
});

export const newsLlmItems = new Counter({
  name: 'cryptopulse_news_llm_items_total',
  help: 'News items the model scored (their lexicon score replaced).',
  registers: [metrics],
});
