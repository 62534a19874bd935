/**
 * Per-test-file isolation: a fresh database cloned from the migrated template and a unique Redis key
 * prefix. Real Postgres and real Redis; nothing of ours is mocked.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../core/db/client.ts';
import { withDatabase } from '../../core/db/url.ts';
import { createRedis, type Redis, RedisKeys } from '../../core/redis.ts';
import { TEMPLATE_DB, TEST_DATABASE_URL, TEST_REDIS_URL } from './env.ts';

export interface TestContext {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly db: Db;
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: RedisKeys;
  /** Environment for a child process (cryptopulse CLI) that should use this context's stores. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createTestContext(label = 'test'): Promise<TestContext> {
  const id = `${label.replace(/\W/g, '').slice(0, 20).toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const dbName = `cp_t_${id}`;
  await adminQuery(`CREATE DATABASE "${dbName}" TEMPLATE "${TEMPLATE_DB}"`);
  const databaseUrl = withDatabase(TEST_DATABASE_URL, dbName);
  const prefix = `t_${id}`;
  const db = createDb(databaseUrl, { poolSize: 5 });
  const redis = createRedis({ url: TEST_REDIS_URL, name: `test-${id}` });
  return {
    databaseUrl,
    redisUrl: TEST_REDIS_URL,
    db,
    redis,
    prefix,
    keys: new RedisKeys(prefix),
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      NEWS_FEEDS: 'off',
    },
    async close() {
      await db.$disconnect();
      const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
      for await (const batch of stream)
        if ((batch as string[]).length) await redis.del(...(batch as string[]));
      redis.disconnect();
      await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    },
  };
}
