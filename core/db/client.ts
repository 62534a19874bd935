import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.ts';

export type Db = PrismaClient;
export { Prisma } from '../../generated/prisma/client.ts';

/**
 * Named statements are prepared once per connection and then only bound and executed: Postgres skips
 * parsing and planning, which is most of its work for the short statements of the money path. The
 * name is a digest of the SQL text, so the same text always maps to the same statement.
 */
function statementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (name === undefined) {
    name = `cp_${createHash('sha1').update(query.sql).digest('base64url')}`;
    // The app has a bounded set of statement texts; the cap only guards against a leak.
    if (statementNames.size >= 5_000) statementNames.clear();
    statementNames.set(query.sql, name);
  }
  return name;
}

const statementNames = new Map<string, string>();

export interface DbOptions {
  readonly poolSize?: number;
  /** DATABASE_PREPARED_STATEMENTS; on unless a pooler in between cannot keep them. */
  readonly preparedStatements?: boolean;
  /**
   * Commits return before their WAL record is flushed (synchronous_commit=off for these connections):
   * a row is visible at once, but a Postgres crash may lose the last few hundred milliseconds of them.
   * Only for records that tolerate that (the chat's audit of read-only tool calls), never for money.
   */
  readonly asyncCommit?: boolean;
}

const disconnectHooks = new WeakMap<Db, (() => Promise<void>)[]>();
const pools = new WeakMap<Db, { readonly pool: pg.Pool; readonly prepared: boolean }>();

/**
 * Runs one statement on the client's own connection pool, past Prisma's query machinery; resolves to
 * the rows it changed. For a hot batched write whose rows Prisma would only pass through: the chat's
 * audit INSERT costs a third of the CPU this way (bench/agent.bench.ts). A client not made by createDb
 * goes through `$executeRawUnsafe`.
 */
export async function executeOnPool(db: Db, sql: string, values: readonly unknown[]): Promise<number> {
  const own = pools.get(db);
  if (!own) return db.$executeRawUnsafe(sql, ...values);
  const result = await own.pool.query({
    text: sql,
    values: [...values],
    ...(own.prepared ? { name: statementName({ sql }) } : {}),
  });
  return result.rowCount ?? 0;
}

/**
 * Runs `hook` when `db.$disconnect()` is called, before the pool closes: work a module deferred on this
 * client (batched statements) finishes instead of failing on a closed pool. Only for clients of createDb.
 */
export function beforeDisconnect(db: Db, hook: () => Promise<void>): void {
  disconnectHooks.get(db)?.push(hook);
}

/** Prisma over node-postgres (Rust-free client): nothing to download, and pool size is ours to choose. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const { db, pool } = newClient(databaseUrl, options);
  const hooks: (() => Promise<void>)[] = [];
  disconnectHooks.set(db, hooks);
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await Promise.allSettled(hooks.map((hook) => hook()));
    await disconnect();
    // Ours to end: the adapter only disposes of a pool it has connected, and executeOnPool may have
    // used this one without Prisma ever connecting.
    if (!pool.ended) await pool.end();
  };
  return db;
}

function newClient(databaseUrl: string, options: DbOptions): { db: Db; pool: pg.Pool } {
  const { poolSize = 10, preparedStatements = true, asyncCommit = false } = options;
  const url = new URL(databaseUrl);
  if (asyncCommit) url.searchParams.set('options', '-c synchronous_commit=off');
  // Connections are recycled hourly, which also bounds how many prepared statements each one keeps.
  const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize, maxLifetimeSeconds: 3600 });
  // An idle connection the server closed (a restart, pg_terminate_backend, a dropped test database) is
  // reported here and dropped from the pool; the next query opens a new one. Unheard, it would crash
  // the process when nothing else (Prisma connects lazily) listens.
  pool.on('error', () => undefined);
  const db = new PrismaClient({
    // The default formats capture a stack trace on every query to point at the caller when one fails;
    // our errors are mapped to typed AppErrors and logged with their own stacks, so skip that cost.
    errorFormat: 'minimal',
    adapter: new PrismaPg(pool, preparedStatements ? { statementNameGenerator: statementName } : {}),
  });
  pools.set(db, { pool, prepared: preparedStatements });
  return { db, pool };
}
