/**
 * What a command says when a store it needs is not there: one sentence naming the variable to check,
 * instead of the driver's multi-line text (Prisma's "Invalid `prisma.apiKey.findMany()` invocation")
 * or, for Redis, waiting forever while ioredis reconnects.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../core/config.ts';

/** A store problem already phrased for the person at the terminal. */
export class StoreUnavailable extends Error {}

const REDIS_WAIT_MS = 5_000;

function withoutPassword(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return raw;
  }
}

/** Resolves once `redis` is ready; a Redis that does not answer within a few seconds is a StoreUnavailable. */
export async function redisReady(redis: Redis, url: string, waitMs = REDIS_WAIT_MS): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', ready);
      reject(
        new StoreUnavailable(`cannot reach Redis at ${withoutPassword(url)} (REDIS_URL): is it running?`),
      );
    }, waitMs);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', ready);
  });
}

interface PrismaLike {
  code?: string;
  meta?: {
    driverAdapterError?: {
      cause?: { host?: string; port?: number; db?: string; originalMessage?: string };
    };
  };
}

/** A connection refused, an unknown host or a timeout from the `pg` driver itself (`migrate` uses it). */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** The sentence for a PostgreSQL connection problem (Prisma's P1xxx codes), or null for anything else. */
export function postgresProblem(err: unknown, databaseUrl: string | undefined): string | null {
  const e = err as PrismaLike & { address?: string; port?: number; hostname?: string };
  if (typeof e?.code !== 'string') return null;
  if (SOCKET_ERRORS.has(e.code)) {
    const host = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : (e.hostname ?? 'its host');
    return `cannot reach PostgreSQL at ${host} (DATABASE_URL): is it running?`;
  }
  const cause = e.meta?.driverAdapterError?.cause ?? {};
  let url: URL | null = null;
  try {
    url = databaseUrl ? new URL(databaseUrl) : null;
  } catch {}
  const host = cause.host ? `${cause.host}${cause.port ? `:${cause.port}` : ''}` : (url?.host ?? 'its host');
  const db = cause.db ?? url?.pathname.slice(1) ?? '';
  switch (e.code) {
    case 'P1001':
    case 'P1002':
      return `cannot reach PostgreSQL at ${host} (DATABASE_URL): is it running?`;
    case 'P1003':
      return `the database ${db} does not exist on ${url?.host ?? host} (DATABASE_URL): run cryptopulse migrate to create it`;
    case 'P1000':
    case 'P1010':
      return `PostgreSQL at ${url?.host ?? host} refused the login in DATABASE_URL${cause.originalMessage ? ` (${cause.originalMessage})` : ''}`;
    case 'P2021':
      return `the database ${db} has no CryptoPulse tables yet (DATABASE_URL): run cryptopulse migrate`;
    default:
      return null;
  }
}

/** Refuses positional arguments beyond the `expected` ones: a stray word is never silently dropped. */
export function extraArgument(positionals: readonly string[], expected: number): string | null {
  const extra = positionals.slice(expected);
  return extra.length ? `unexpected argument ${extra.map((a) => `"${a}"`).join(', ')}` : null;
}

/**
 * Before a command starts work that needs both stores (the chat and its in-process worker): one look at
 * each, so a store that is down is one sentence, not a screen of the workers' error logs or a wait.
 * Throws StoreUnavailable for Redis and Prisma's error (phrased by postgresProblem) for PostgreSQL.
 */
export async function storesAnswer(config: Config): Promise<void> {
  // Loaded here, not at the top: main.ts imports this file, and `help` should not wait for Prisma.
  const [{ createDb }, { createRedis }] = await Promise.all([
    import('../core/db/client.ts'),
    import('../core/redis.ts'),
  ]);
  const db = createDb(config.DATABASE_URL, { poolSize: 1, preparedStatements: false });
  const redis = createRedis({ url: config.REDIS_URL, name: 'cli-check' });
  try {
    await db.user.findFirst({ select: { id: true } });
    await redisReady(redis, config.REDIS_URL);
  } finally {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
    await db.$disconnect();
  }
}
