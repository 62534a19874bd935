/**
 * One polite HTTP GET of a feed: conditional (If-None-Match / If-Modified-Since), bounded in time for
 * the whole exchange (headers and body), in size (Content-Length checked first, then counted while
 * streaming) and in redirects (followed by hand, http/https only, loops refused). Failures are typed
 * so the poller can count them and back off; nothing here throws anything else.
 */

export interface Validators {
  readonly etag?: string | null;
  readonly lastModified?: string | null;
}

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
}

export type FetchResult =
  | { readonly kind: 'not_modified'; readonly url: string }
  | {
      readonly kind: 'ok';
      /** Where the body came from after redirects (relative links resolve against it). */
      readonly url: string;
      readonly body: Uint8Array;
      readonly contentType: string | null;
      readonly etag: string | null;
      readonly lastModified: string | null;
    };

export type FetchFailure =
  | 'stopped'
  | 'timeout'
  | 'too_large'
  | 'redirects'
  | 'http_status'
  | 'network'
  | 'bad_url';

export class FeedFetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1';

function checkedUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = base ? new URL(raw, base) : new URL(raw);
  } catch {
    throw new FeedFetchError('bad_url', `not a URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FeedFetchError('bad_url', `only http and https feeds are fetched (got ${url.protocol})`);
  return url;
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FeedFetchError('too_large', `declared ${declared} bytes, the cap is ${maxBytes}`);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FeedFetchError('too_large', `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

export async function fetchFeed(
  feedUrl: string,
  validators: Validators,
  limits: FetchLimits,
  /** Aborts the fetch when the worker stops. */
  stop?: AbortSignal,
): Promise<FetchResult> {
  // One deadline for the whole exchange: a server that sends headers and then drips the body is cut too.
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const signal = stop ? AbortSignal.any([deadline, stop]) : deadline;
  let url = checkedUrl(feedUrl);
  const seen = new Set<string>([url.href]);
  try {
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': limits.userAgent };
      // Validators belong to the feed URL as configured; after a redirect the server decides afresh.
      if (hop === 0 && validators.etag) headers['if-none-match'] = validators.etag;
      if (hop === 0 && validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      const res = await fetch(url, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        if (!location) throw new FeedFetchError('http_status', `${res.status} without Location`, res.status);
        const next = checkedUrl(location, url.href);
        if (seen.has(next.href)) throw new FeedFetchError('redirects', `redirect loop at ${next.href}`);
        if (hop + 1 > limits.maxRedirects)
          throw new FeedFetchError('redirects', `more than ${limits.maxRedirects} redirects`);
        seen.add(next.href);
        url = next;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: 'not_modified', url: url.href };
      }
      if (res.status < 200 || res.status >= 300) {
        await res.body?.cancel().catch(() => undefined);
        throw new FeedFetchError('http_status', `HTTP ${res.status}`, res.status);
      }
      const body = await readCapped(res, limits.maxBytes);
      return {
        kind: 'ok',
        url: url.href,
        body,
        contentType: res.headers.get('content-type'),
        etag: res.headers.get('etag'),
        lastModified: res.headers.get('last-modified'),
      };
    }
  } catch (err) {
    if (err instanceof FeedFetchError) throw err;
    if (stop?.aborted) throw new FeedFetchError('stopped', 'the worker is stopping');
    if (isAbort(err) || signal.aborted)
      throw new FeedFetchError('timeout', `no complete answer within ${limits.timeoutMs} ms`);
    throw new FeedFetchError('network', err instanceof Error ? err.message : String(err));
  }
}
