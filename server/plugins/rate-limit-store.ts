/**
 * The rate limit's counter in Redis, one round trip per event-loop turn instead of one per request.
 *
 * @fastify/rate-limit's RedisStore runs one EVALSHA (INCR, then PEXPIRE or PTTL) for every request:
 * under load that socket write and its reply were the largest single cost of a /v1 request (a fifth of
 * the API process' CPU in the profile, and as much again in redis-server). Here requests are counted
 * in batches, as a database commits in groups: one script call is in flight at a time, and the
 * requests that reach the limit meanwhile (or within the same event-loop turn) go together in the next
 * one, so a batch grows with the load by itself and a lone request waits for nothing. The script adds
 * each client's number of requests with INCRBY and returns the new total and the window's TTL; the
 * i-th of the n requests of that client gets `total - n + i` as its count. Counts stay exact and
 * shared across processes (INCRBY is atomic, so request 61 of a minute is the 61st whichever instance
 * serves it).
 *
 * Under load a call starts at least MIN_CALL_INTERVAL_MS after the one before, not as soon as the
 * previous reply is in or the next request arrives: with Redis on the same host a reply takes a fraction
 * of a millisecond, so calls went out thousands of times a second with a few requests each, and each
 * socket write, with the wake-up of redis-server, cost the API more than the rest of the rate limit.
 * A request then waits at most for the call before its own and that interval; a store whose last call
 * started an interval ago or more calls at once, so a lone request waits for nothing.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { rateLimitCalls } from '../../core/metrics.ts';
import type { Redis } from '../../core/redis.ts';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/** KEYS: the counters; ARGV: per key, the requests to add and the window (ms). Returns total, ttl per key. */
const COUNT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local current = redis.call('INCRBY', key, n)
  local ttl = window
  if current == n then
    redis.call('PEXPIRE', key, window)
  else
    ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, window)
      ttl = window
    end
  end
  out[2 * i - 1] = current
  out[2 * i] = ttl
end
return out
`;

const COMMAND = 'cryptopulseRateLimitCount';

/** Under load, at most one call per this interval (about 1,000 a second per process). */
export const MIN_CALL_INTERVAL_MS = 1;

interface Batch {
  readonly window: number;
  readonly waiting: Callback[];
}

type CountCommand = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<number[]>;

class BatchedRedisStore implements FastifyRateLimitStore {
  private pending = new Map<string, Batch>();
  private scheduled = false;
  private inFlight = false;
  private lastCallAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: COUNT });
  }

  incr(key: string, callback: Callback, timeWindow: number): void {
    const batch = this.pending.get(key);
    if (batch) batch.waiting.push(callback);
    else this.pending.set(key, { window: timeWindow, waiting: [callback] });
    if (!this.scheduled && !this.inFlight) this.schedule();
  }

  /** A route with its own `config.rateLimit` counts apart, as in the plugin's RedisStore. */
  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    // The plugin passes its merged parameters, whose routeInfo is the route (not what the type says).
    const route = (routeOptions as unknown as { routeInfo: { method: string; url: string } }).routeInfo;
    return new BatchedRedisStore(this.redis, `${this.prefix}${route.method}${route.url}-`);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    this.inFlight = true;
    this.lastCallAt = performance.now();
    rateLimitCalls.inc();
    const batches = [...this.pending];
    this.pending = new Map();
    const keys = batches.map(([key]) => this.prefix + key);
    const args = batches.flatMap(([, b]) => [b.waiting.length, b.window]);
    const count = (this.redis as unknown as Record<string, CountCommand>)[COMMAND]!;
    count
      .call(this.redis, keys.length, ...keys, ...args)
      .then(
        (out) => {
          batches.forEach(([, b], i) => {
            const total = Number(out[2 * i]);
            const ttl = Number(out[2 * i + 1]);
            const first = total - b.waiting.length;
            for (const [j, callback] of b.waiting.entries()) callback(null, { current: first + j + 1, ttl });
          });
        },
        (err: Error) => {
          for (const [, b] of batches) for (const callback of b.waiting) callback(err);
        },
      )
      .finally(() => {
        this.inFlight = false;
        // What arrived while this call was out goes as one batch.
        if (this.pending.size > 0) this.schedule();
      });
  }

  /** The next call: once the interval since the last one has passed, in this turn's check phase at once. */
  private schedule(): void {
    this.scheduled = true;
    const wait = this.lastCallAt + MIN_CALL_INTERVAL_MS - performance.now();
    if (wait > 0) setTimeout(() => this.flush(), wait);
    else setImmediate(() => this.flush());
  }
}

/** A store class for @fastify/rate-limit's `store` option, counting under `prefix` in `redis`. */
export function batchedRedisStore(redis: Redis, prefix: string): FastifyRateLimitStoreCtor {
  return class extends BatchedRedisStore {
    constructor() {
      super(redis, prefix);
    }
  };
}
