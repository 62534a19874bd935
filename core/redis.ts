/**
 * One Redis connection factory. Connections are BullMQ-compatible (no per-request retry limit, so a
 * blocked worker command survives a Redis restart). Keys are namespaced by REDIS_PREFIX through
 * `RedisKeys` rather than ioredis' keyPrefix, which BullMQ does not support.
 */
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisFactoryOptions {
  readonly url: string;
  readonly name: string;
  /** Fail fast (commands error while disconnected) instead of queueing; for health checks and CLIs. */
  readonly failFast?: boolean;
  /** With failFast: a command without an answer for this long fails (a frozen Redis). */
  readonly commandTimeoutMs?: number;
  /**
   * Told once per outage (the first connection error after being ready), not on every reconnect attempt.
   * Without it ioredis prints "Unhandled error event" to stderr on every retry.
   */
  readonly onError?: (err: Error) => void;
}

export function createRedis({
  url,
  name,
  failFast = false,
  commandTimeoutMs,
  onError,
}: RedisFactoryOptions): Redis {
  const redis = new Redis(url, {
    connectionName: `cryptopulse:${name}`,
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    ...(failFast && commandTimeoutMs ? { commandTimeout: commandTimeoutMs } : {}),
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    lazyConnect: false,
  });
  let reported = false;
  redis.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    onError?.(err);
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

export class RedisKeys {
  constructor(readonly prefix: string) {}

  key(...parts: readonly (string | number)[]): string {
    return (this.prefix ? [this.prefix, ...parts] : ['cp', ...parts]).join(':');
  }

  /** The prefix BullMQ puts before every queue key. */
  get bullPrefix(): string {
    return this.prefix ? `${this.prefix}:bull` : 'bull';
  }

  /** Stream names are public contract (BRIEF 7): exact unless the operator chose a namespace. */
  stream(name: 'signals:paper' | 'signals:live' | 'pnl:equity' | 'signals:dlq'): string {
    return this.prefix ? `${this.prefix}:${name}` : name;
  }
}
