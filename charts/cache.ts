/**
 * Render cache: a bounded LRU of finished renders plus a map of renders in flight, so identical
 * concurrent requests share one render. Failed renders are not cached.
 */

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests that joined a render already in flight. */
  joined: number;
  entries: number;
  bytes: number;
}

export class RenderCache<V> {
  readonly #done = new Map<string, { value: V; bytes: number }>();
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #sizeOf: (value: V) => number;
  #bytes = 0;
  readonly #stats = { hits: 0, misses: 0, joined: 0 };

  constructor(options: { maxEntries: number; maxBytes: number; sizeOf: (value: V) => number }) {
    this.#maxEntries = options.maxEntries;
    this.#maxBytes = options.maxBytes;
    this.#sizeOf = options.sizeOf;
  }

  get(key: string, produce: () => Promise<V>): Promise<V> {
    const hit = this.#done.get(key);
    if (hit) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#done.delete(key);
      this.#done.set(key, hit);
      this.#stats.hits++;
      return Promise.resolve(hit.value);
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.#stats.joined++;
      return pending;
    }
    this.#stats.misses++;
    const promise = produce().then(
      (value) => {
        this.#inFlight.delete(key);
        this.#store(key, value);
        return value;
      },
      (err: unknown) => {
        this.#inFlight.delete(key);
        throw err;
      },
    );
    this.#inFlight.set(key, promise);
    return promise;
  }

  stats(): CacheStats {
    return { ...this.#stats, entries: this.#done.size, bytes: this.#bytes };
  }

  #store(key: string, value: V): void {
    const bytes = this.#sizeOf(value);
    if (this.#maxEntries <= 0 || bytes > this.#maxBytes) return;
    this.#done.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#done) {
      if (this.#done.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#done.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }
}
