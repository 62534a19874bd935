/**
 * Serialized /v1/signals pages (UTF-8 bytes, so a hit is written without encoding 30 kB again, with
 * their compressed forms once a client has asked for them: server/content-coding.ts), kept
 * until the stream says something changed. Every new signal and
 * every lifecycle change of a mode is an entry of `signals:<mode>`, appended after its Postgres commit
 * (the engine's outbox), and this process' hub reads every entry: so a page cached for a mode is
 * dropped as soon as that mode changes. A generation check keeps a page computed before a change from
 * being stored after it; a short TTL bounds staleness should the hub's reader be down.
 *
 * A page may also be filed under the exact query string that asked for it (`peek`): the same string
 * always parses to the same query, so a repeated request finds its page before any parsing or
 * validation, the most common request's path (a dashboard or a poller asking again and again).
 */
import { Representations } from './content-coding.ts';
import type { HubStream } from './sse/entry.ts';
import type { StreamHub } from './sse/hub.ts';

const TTL_MS = 2_000;
const MAX_ENTRIES = 1_000;

type Mode = 'paper' | 'live';

export class PageCache {
  private readonly pages = new Map<string, { page: Representations; at: number }>();
  /** Exact query string → key in `pages`; an entry whose page was dropped simply misses. */
  private readonly byQueryString = new Map<string, string>();
  private readonly inflight = new Map<string, { generation: number; page: Promise<Representations> }>();
  private readonly generation: Record<Mode, number> = { paper: 0, live: 0 };
  private reading = false;

  constructor(hub: StreamHub) {
    const drop = (mode: Mode) => () => {
      this.generation[mode]++;
      for (const key of this.pages.keys()) if (key.startsWith(`${mode}|`)) this.pages.delete(key);
    };
    const streams: [HubStream, Mode][] = [
      ['signals:paper', 'paper'],
      ['signals:live', 'live'],
    ];
    for (const [stream, mode] of streams) hub.subscribe(stream, drop(mode));
    hub.ready().then(
      () => {
        this.reading = true;
      },
      () => undefined,
    );
  }

  /** The fresh page stored for this exact query string, if any (see `get`'s `queryString`). */
  peek(queryString: string): Representations | undefined {
    const key = this.byQueryString.get(queryString);
    return key === undefined ? undefined : this.fresh(key);
  }

  private fresh(key: string): Representations | undefined {
    const hit = this.pages.get(key);
    return hit && Date.now() - hit.at < TTL_MS ? hit.page : undefined;
  }

  /** The page for `query` of `mode`; once stored, also found by `peek(queryString)` when one is given. */
  async get(
    mode: Mode,
    query: string,
    compute: () => Promise<Buffer>,
    queryString?: string,
  ): Promise<Representations> {
    const key = `${mode}|${query}`;
    const hit = this.fresh(key);
    if (hit) {
      if (queryString !== undefined) this.file(queryString, key);
      return hit;
    }
    const generation = this.generation[mode];
    // Concurrent misses of one page share one query, unless the mode changed since it started.
    const flying = this.inflight.get(key);
    if (flying && flying.generation === generation) return flying.page;
    const pending = compute().then((body) => new Representations(body));
    this.inflight.set(key, { generation, page: pending });
    try {
      const page = await pending;
      // Only while the hub reads (or nothing would drop the page), and only if nothing changed meanwhile.
      if (this.reading && generation === this.generation[mode]) {
        if (this.pages.size >= MAX_ENTRIES) this.pages.clear();
        this.pages.set(key, { page, at: Date.now() });
        if (queryString !== undefined) this.file(queryString, key);
      }
      return page;
    } finally {
      if (this.inflight.get(key)?.page === pending) this.inflight.delete(key);
    }
  }

  private file(queryString: string, key: string): void {
    if (this.byQueryString.size >= MAX_ENTRIES) this.byQueryString.clear();
    this.byQueryString.set(queryString, key);
  }
}
