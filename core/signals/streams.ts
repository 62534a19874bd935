/**
 * The Redis streams of SIGNALS.md: `signals:paper`, `signals:live` (entries `type` = signal |
 * lifecycle, `data` = the signal JSON) and `pnl:equity` (`type` = equity). Stable names, relied on by
 * the broadcaster, the API's SSE and the dashboard:
 *
 *   streamKey(keys, logical)        the Redis key (REDIS_PREFIX applied through RedisKeys.stream())
 *   appendEntry(redis, keys, …)     XADD … MAXLEN ~ n * type … data … (fixtures; the engine uses the relay)
 *   parseEntry(fields)              a stream entry's flat field list → StreamEntry (zod-checked)
 *   readEntries(redis, key, after)  XRANGE after an id → [{ id, entry }]
 *   relayOutbox(db, redis, keys)    appends pending outbox rows (store.ts writers) in order, exactly once
 *
 * Exactly once: an outbox row is written in the transaction of the change it announces. The relay
 * appends rows in id order with a Lua script that also records the row's id in Redis, atomically,
 * and skips a row whose id is not above the recorded one. A crash after XADD but before Postgres
 * marks the row published therefore cannot append it twice, and a crash before XADD leaves it
 * pending for the next relay pass. The recorded id is namespaced by an id generated once per
 * database, so a fresh database never inherits an old install's counter.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Redis, RedisKeys } from '../redis.ts';
import type { LogicalStream } from './store.ts';
import { equityEntrySchema, type StreamEntry, signalEntrySchema } from './types.ts';

/** Approximate cap of each stream (`MAXLEN ~`): about this many newest entries are kept. */
export const DEFAULT_STREAM_MAXLEN = 100_000;

export function streamKey(keys: RedisKeys, logical: LogicalStream): string {
  return keys.stream(logical);
}

export async function appendEntry(
  redis: Redis,
  keys: RedisKeys,
  logical: LogicalStream,
  entry: StreamEntry,
  maxLen = DEFAULT_STREAM_MAXLEN,
): Promise<string> {
  const id = await redis.xadd(
    streamKey(keys, logical),
    'MAXLEN',
    '~',
    String(maxLen),
    '*',
    'type',
    entry.type,
    'data',
    JSON.stringify(entry.data),
  );
  return id!;
}

/** `['type', 'signal', 'data', '{…}']` → a checked entry; throws a ZodError/SyntaxError on garbage. */
export function parseEntry(fields: readonly string[]): StreamEntry {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
  const raw = { type: map.type, data: JSON.parse(map.data ?? 'null') as unknown };
  return raw.type === 'equity' ? equityEntrySchema.parse(raw) : signalEntrySchema.parse(raw);
}

export async function readEntries(
  redis: Redis,
  key: string,
  afterId = '-',
  count = 1000,
): Promise<{ id: string; entry: StreamEntry }[]> {
  const start = afterId === '-' ? '-' : `(${afterId}`;
  const rows = await redis.xrange(key, start, '+', 'COUNT', count);
  return rows.map(([id, fields]) => ({ id, entry: parseEntry(fields) }));
}

const APPEND_ONCE = `
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) <= last then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'type', ARGV[3], 'data', ARGV[4])
redis.call('SET', KEYS[2], ARGV[1])
return id`;

const EPOCH_KEY = 'outbox-epoch';

/** The id generated once per database that namespaces the relay's counter in Redis. */
async function outboxEpoch(db: Db): Promise<string> {
  const found = await db.signalEngineState.findUnique({ where: { key: EPOCH_KEY } });
  if (found) return (found.state as { epoch: string }).epoch;
  await db.signalEngineState.createMany({
    data: [{ key: EPOCH_KEY, state: { epoch: randomUUID() } }],
    skipDuplicates: true,
  });
  return outboxEpoch(db);
}

export interface RelayOptions {
  readonly maxLen?: number;
  /** Rows per pass (one Redis pipeline, one Postgres update). */
  readonly batch?: number;
  /** Fault-injection seam for crash tests: runs between the XADDs and marking the rows published. */
  readonly afterAppend?: () => Promise<void>;
}

/** Publishes every pending outbox row; returns how many rows it handled. Safe to run concurrently. */
export async function relayOutbox(
  db: Db,
  redis: Redis,
  keys: RedisKeys,
  options: RelayOptions = {},
): Promise<number> {
  const { maxLen = DEFAULT_STREAM_MAXLEN, batch = 500 } = options;
  const counter = keys.key('signals', 'outbox', await outboxEpoch(db));
  let handled = 0;
  for (;;) {
    const rows = await db.signalOutbox.findMany({
      where: { publishedAt: null },
      orderBy: { id: 'asc' },
      take: batch,
    });
    if (!rows.length) return handled;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      const key = streamKey(keys, row.stream as LogicalStream);
      pipeline.eval(APPEND_ONCE, 2, key, counter, row.id.toString(), String(maxLen), row.type, row.data);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    await options.afterAppend?.();
    await db.signalOutbox.updateMany({
      where: { id: { in: rows.map((r) => r.id) } },
      data: { publishedAt: new Date() },
    });
    handled += rows.length;
    if (rows.length < batch) return handled;
  }
}
