/**
 * The global gate shared by every process that sends for one bot token (the `bots` role and a
 * broadcaster in another role): the same rule as ResponseWindowGate — a slot is held from send until
 * the response and for `windowMs` after it — kept in a Redis sorted set, on Redis' clock, so processes
 * with skewed clocks still agree. A process that dies mid-request holds its slot for `leaseMs` at most.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from '../../core/redis.ts';
import type { GateOptions, GlobalGate, Release } from './global-gate.ts';

/** Takes a slot (score = lease end while in flight) or answers how long to wait. */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], lease + window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** The response arrived: the slot now ages from this moment. */
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 1
`;

/** Longest pause between two attempts when the window is full. */
const MAX_POLL_MS = 50;

export class RedisResponseWindowGate implements GlobalGate {
  private readonly leaseMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly options: GateOptions & { readonly leaseMs?: number },
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  async acquire(signal?: AbortSignal): Promise<Release> {
    const member = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(
        await this.redis.eval(
          ACQUIRE,
          1,
          this.key,
          this.options.windowMs,
          this.options.limit,
          this.leaseMs,
          member,
        ),
      );
      if (wait === 0) return this.releaser(member);
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_POLL_MS)));
    }
  }

  private releaser(member: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A lost release only keeps the slot until its lease ends; never worth failing a send for.
      this.redis.eval(RELEASE, 1, this.key, member).catch(() => undefined);
    };
  }
}
