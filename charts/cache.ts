/**
 * Render cache: lru-cache bounded by entries and bytes, whose `fetch` lets identical concurrent
 * requests share one render (a second caller joins the render in flight). Failed renders are not cached.
 */
import { LRUCache } from 'lru-cache';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests that joined a render already in flight. */
  joined: number;
  entries: number;
  bytes: number;
}

type Produce<V> = () => Promise<V>;

export class RenderCache<V extends {}> {
  readonly #lru: LRUCache<string, V, Produce<V>>;
  /** 0 entries: nothing is kept once drawn, but concurrent requests still share a render. */
  readonly #keep: boolean;
  readonly #stats = { hits: 0, misses: 0, joined: 0 };

  constructor(options: { maxEntries: number; maxBytes: number; sizeOf: (value: V) => number }) {
    this.#keep = options.maxEntries > 0;
    this.#lru = new LRUCache<string, V, Produce<V>>({
      max: Math.max(1, options.maxEntries),
      maxSize: Math.max(1, options.maxBytes),
      // lru-cache sizes are positive integers; an entry larger than maxSize is simply not kept.
      sizeCalculation: (value) => Math.max(1, Math.ceil(options.sizeOf(value))),
      // A render evicted while in flight (more concurrent keys than entries) still answers its callers.
      ignoreFetchAbort: true,
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  async get(key: string, produce: Produce<V>): Promise<V> {
    const status: LRUCache.Status<string, V, Produce<V>> = {};
    const pending = this.#lru.fetch(key, { context: produce, status });
    if (status.fetch === 'hit') this.#stats.hits++;
    else if (status.fetch === 'inflight') this.#stats.joined++;
    else this.#stats.misses++;
    const value = (await pending) as V;
    if (!this.#keep) this.#lru.delete(key);
    return value;
  }

  stats(): CacheStats {
    return { ...this.#stats, entries: this.#lru.size, bytes: this.#lru.calculatedSize };
  }
}
