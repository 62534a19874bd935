/**
 * Dead letters: deliveries the broadcaster gave up on, one entry each in `signals:dlq` with the reason.
 * The ledger row is DEAD (so the stream entry could be acknowledged); `retry` revives the row, lifts a
 * pause of its subscription, and the next broadcaster sweep sends it; `drop` forgets the letter.
 */
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Redis, RedisKeys } from '../redis.ts';
import type { DeliveryRow } from './ledger.ts';
import { Ledger } from './ledger.ts';

const MAX_LENGTH = 100_000;

export const deadLetterSchema = z.object({
  deliveryId: z.string(),
  subscriptionId: z.string(),
  platform: z.string(),
  chatId: z.string(),
  signalId: z.string(),
  event: z.string(),
  stream: z.string(),
  streamId: z.string(),
  attempts: z.coerce.number(),
  reason: z.string(),
  at: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export interface DeadLetterEntry extends DeadLetter {
  /** Id in signals:dlq. */
  readonly id: string;
}

export function dlqStream(keys: RedisKeys): string {
  return keys.stream('signals:dlq');
}

export async function deadLetter(
  redis: Redis,
  keys: RedisKeys,
  rows: readonly DeliveryRow[],
  target: { readonly platform: string; readonly chatId: string },
  reason: string,
): Promise<void> {
  if (!rows.length) return;
  const pipeline = redis.pipeline();
  for (const r of rows) {
    const letter: DeadLetter = {
      deliveryId: r.id,
      subscriptionId: r.subscriptionId,
      platform: target.platform,
      chatId: target.chatId,
      signalId: r.signalId,
      event: r.event,
      stream: r.stream,
      streamId: r.streamId,
      attempts: r.attempts,
      reason,
      at: new Date().toISOString(),
    };
    pipeline.xadd(
      dlqStream(keys),
      'MAXLEN',
      '~',
      MAX_LENGTH,
      '*',
      ...Object.entries(letter).flatMap(([k, v]) => [k, String(v)]),
    );
  }
  await pipeline.exec();
}

function fieldsToObject(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}

export async function listDeadLetters(redis: Redis, keys: RedisKeys, count = 50): Promise<DeadLetterEntry[]> {
  const rows = await redis.xrange(dlqStream(keys), '-', '+', 'COUNT', count);
  return rows.flatMap(([id, fields]) => {
    const parsed = deadLetterSchema.safeParse(fieldsToObject(fields));
    return parsed.success ? [{ id, ...parsed.data }] : [];
  });
}

async function letterById(redis: Redis, keys: RedisKeys, id: string): Promise<DeadLetterEntry | undefined> {
  const rows = await redis.xrange(dlqStream(keys), id, id);
  const row = rows[0];
  if (!row) return undefined;
  const parsed = deadLetterSchema.safeParse(fieldsToObject(row[1]));
  return parsed.success ? { id: row[0], ...parsed.data } : undefined;
}

export type DlqOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Sends a dead letter again: its row back to PENDING (fresh attempts), its subscription unpaused. */
export async function retryDeadLetter(
  db: Db,
  redis: Redis,
  keys: RedisKeys,
  id: string,
): Promise<DlqOutcome> {
  const letter = await letterById(redis, keys, id);
  if (!letter) return { ok: false, reason: `no dead letter ${id}` };
  const sub = await db.subscription.findUnique({ where: { id: letter.subscriptionId } });
  if (!sub) return { ok: false, reason: 'that chat is no longer subscribed; drop the letter instead' };
  if (sub.pausedAt)
    await db.subscription.update({ where: { id: sub.id }, data: { pausedAt: null, pausedReason: null } });
  const revived = await new Ledger(db).revive(letter.deliveryId);
  await redis.xdel(dlqStream(keys), id);
  return revived
    ? { ok: true }
    : { ok: false, reason: 'that delivery is not dead any more (already retried?)' };
}

export async function dropDeadLetter(redis: Redis, keys: RedisKeys, id: string): Promise<DlqOutcome> {
  const removed = await redis.xdel(dlqStream(keys), id);
  return removed ? { ok: true } : { ok: false, reason: `no dead letter ${id}` };
}
