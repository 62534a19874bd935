/**
 * Discord's global limit (50 bot requests per second per token), kept for every process that sends for
 * one token (the `bots` role and a broadcaster in another role) and without relying on clocks agreeing.
 *
 * Discord counts a request when it ARRIVES, which the sender cannot see: new connections, serialisation
 * and the network delay some requests more than others, so requests sent 1000 ms apart may arrive
 * closer together (measured: a sliding window on send times with 50-100 ms of margin still drew global
 * 429s from the strict fake). What the sender does know is that a request arrived before its response
 * came back. So a slot is held from send until the response, and for `windowMs` after it: the 51st
 * request leaves only `windowMs` after the 1st one's response, hence arrives more than `windowMs` after
 * the 1st arrived, whatever the delays. The cost is one round trip per window.
 *
 * The slots are a Redis sorted set, scored on Redis' clock, so processes with skewed clocks still agree;
 * a process that dies mid-request holds its slot for `leaseMs` at most. discord.js counts the same limit
 * in fixed windows that open at the first request; two windows back to back let up to ~100 requests into
 * one second (measured: 31-88 global 429s per 200 messages).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from '../../core/redis.ts';

export type Release = () => void;

export interface GlobalGate {
  /** Resolves when one request may be sent now; call the returned function when its response arrived. */
  acquire(signal?: AbortSignal): Promise<Release>;
}

export interface GateOptions {
  readonly limit: number;
  readonly windowMs: number;
  /** How long a slot whose response never came back is held. Default 30 s. */
  readonly leaseMs?: number;
}

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
    private readonly options: GateOptions,
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
