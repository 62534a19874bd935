/**
 * Raw feed items → clean drafts, or a reason to drop them. A draft has a one-line title without markup,
 * an absolute http(s) link, a plain-text summary, a sane publication time and the keys deduplication
 * uses. Anything that cannot be made clean is rejected rather than stored half-clean.
 */
import { createHash } from 'node:crypto';
import { clip, htmlToText } from './html.ts';
import type { RawItem } from './parse.ts';

export const MAX_TITLE = 300;
export const MAX_SUMMARY = 600;

export interface NewsDraft {
  readonly title: string;
  readonly link: string;
  readonly guid: string | null;
  readonly source: string;
  readonly summary: string;
  readonly publishedAt: Date;
  readonly linkKey: string;
  readonly titleKey: string;
}

export type Normalized =
  | { readonly ok: true; readonly draft: NewsDraft }
  | { readonly ok: false; readonly reason: 'no_title' | 'bad_link' };

const TRACKING = /^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$|cmpid$)/i;

/** Resolves against the feed URL; only http(s) links (no javascript:, data:, file:). */
export function absoluteLink(raw: string, base: string): URL | undefined {
  const text = htmlToText(raw);
  if (!text) return undefined;
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The same article however a feed decorates its link: no fragment, tracking parameters or trailing slash. */
export function canonicalLink(url: URL): string {
  const u = new URL(url.href);
  u.hash = '';
  u.protocol = 'https:';
  u.hostname = u.hostname.toLowerCase().replace(/^www\./, '');
  for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
  u.searchParams.sort();
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/+$/, '');
  return u.href;
}

/** "Bitcoin Hits $100K!" and "bitcoin hits $100k" are one story: letters and digits only, lower case. */
export function titleKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A feed's date, or `fetchedAt` when missing or unreadable; never in the future. */
export function publishedTime(raw: string, fetchedAt: Date): Date {
  const t = raw ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(t)) return fetchedAt;
  // A year 1970 or a far-future date is a broken feed clock; the fetch time is closer to the truth.
  if (t < Date.UTC(2000, 0, 1) || t > fetchedAt.getTime() + 10 * 60_000) return fetchedAt;
  return new Date(t);
}

export function sourceName(feedTitle: string, feedUrl: string): string {
  const title = clip(htmlToText(feedTitle), 60);
  if (title) return title;
  try {
    return new URL(feedUrl).hostname.replace(/^www\./, '');
  } catch {
    return 'feed';
  }
}

export function normalizeItem(
  raw: RawItem,
  feed: { url: string; source: string },
  fetchedAt: Date,
): Normalized {
  const title = clip(htmlToText(raw.title), MAX_TITLE);
  if (!title || !/[\p{L}\p{N}]/u.test(title)) return { ok: false, reason: 'no_title' };
  const guid = clip(htmlToText(raw.guid), 500) || null;
  // RSS guids are often the permalink; use one when <link> is missing.
  const url = absoluteLink(raw.link, feed.url) ?? (guid ? absoluteLink(guid, feed.url) : undefined);
  if (!url) return { ok: false, reason: 'bad_link' };
  return {
    ok: true,
    draft: {
      title,
      link: url.href,
      guid,
      source: feed.source,
      summary: clip(htmlToText(raw.summary), MAX_SUMMARY),
      publishedAt: publishedTime(raw.published, fetchedAt),
      linkKey: sha(canonicalLink(url)),
      titleKey: titleKey(title),
    },
  };
}
