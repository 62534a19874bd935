/**
 * What every role and service receives: configuration, logger and the shared stores. Built once per
 * process by the CLI; tests build one over their isolated database and Redis prefix.
 */
import type { Config } from './config.ts';
import { createDb, type Db } from './db/client.ts';
import type { Logger } from './logger.ts';
import { createRedis, type Redis, RedisKeys } from './redis.ts';

export const ROLE_NAMES = ['api', 'worker', 'bots', 'signals', 'broadcaster'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A running role. `stop` stops intake first, lets in-flight work finish, then releases what it holds. */
export interface RoleHandle {
  readonly name: RoleName;
  /** One line for the startup banner, e.g. "API on http://127.0.0.1:8080". */
  readonly summary: string;
  stop(): Promise<void>;
}

/**
 * What roles started in one process share: a role may contribute HTTP routes (the Telegram webhook) that
 * the api role mounts. Roles start in START_ORDER so contributions exist before the API listens.
 */
export interface RoleRuntime {
  readonly roles: readonly RoleName[];
  /** Fastify plugins (typed loosely here so core stays free of server types); the api role registers them. */
  readonly httpPlugins: unknown[];
}

/** Start order: workers before intake; the API last, so it can mount what other roles contribute. Stop is the reverse. */
export const START_ORDER: readonly RoleName[] = ['worker', 'signals', 'broadcaster', 'bots', 'api'];

export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  /** Shared connection for ordinary commands. Never use it for blocking reads. */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** A dedicated connection (BullMQ workers, XREADGROUP); the caller closes it. */
  newRedis(name: string): Redis;
  close(): Promise<void>;
}

export function createAppContext(config: Config, logger: Logger): AppContext {
  const db = createDb(config.DATABASE_URL, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
  // The commands that fail report themselves; this says once per outage that a connection lost Redis.
  const onError = (name: string) => (err: Error) =>
    logger.warn({ redis: name, err: err.message }, 'Redis connection lost; reconnecting');
  const redis = createRedis({ url: config.REDIS_URL, name: 'shared', onError: onError('shared') });
  const owned: Redis[] = [redis];
  return {
    config,
    logger,
    db,
    redis,
    keys: new RedisKeys(config.REDIS_PREFIX),
    newRedis(name) {
      const r = createRedis({ url: config.REDIS_URL, name, onError: onError(name) });
      owned.push(r);
      return r;
    },
    async close() {
      await Promise.allSettled(owned.map((r) => (r.status === 'end' ? undefined : r.quit())));
      await db.$disconnect();
    },
  };
}
