/**
 * Per-user exchange credentials. Linking seals them at once; listing shows only metadata; revoking
 * wipes the ciphertext. `openCredentialsForExecution` is the one reader of plaintext and is called by
 * the order executor alone: no API, chat reply or LLM tool ever receives a key.
 */
import { z } from 'zod';
import type { Db, Prisma } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor } from '../identity/types.ts';
import type { ExchangeCredentials } from '../market/ccxt-exchange.ts';
import { type KeyRing, open, seal } from './cipher.ts';

export interface CredentialInfo {
  readonly id: string;
  readonly exchange: string;
  readonly label: string;
  readonly keyVersion: number;
  readonly createdAt: Date;
}

export const linkInputSchema = z.object({
  exchange: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]{2,32}$/, 'an exchange id such as kraken or binance'),
  apiKey: z.string().trim().min(8, 'too short for an API key').max(512),
  secret: z.string().trim().min(8, 'too short for an API secret').max(2048),
  password: z.string().max(256).optional(),
  label: z
    .string()
    .trim()
    .regex(/^[\w-]{1,32}$/, 'letters, digits, _ or -')
    .default('default'),
});
export type LinkInput = z.input<typeof linkInputSchema>;

/** Binds a ciphertext to its row: moved to another user or exchange, it no longer opens. */
const aadOf = (userId: string, exchange: string, label: string) =>
  `cryptopulse:v1:${userId}:${exchange}:${label}`;

const info = (row: {
  id: string;
  exchange: string;
  label: string;
  keyVersion: number;
  createdAt: Date;
}): CredentialInfo => ({
  id: row.id,
  exchange: row.exchange,
  label: row.label,
  keyVersion: row.keyVersion,
  createdAt: row.createdAt,
});

export async function linkCredentials(
  db: Db,
  ring: KeyRing,
  actor: Actor,
  input: LinkInput,
): Promise<CredentialInfo> {
  const parsed = linkInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('ERR_VALIDATION', 'invalid exchange credentials', {
      userMessage: `Those keys do not look right: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`,
    });
  }
  const { exchange, label, apiKey, secret, password } = parsed.data;
  const plaintext = Buffer.from(
    JSON.stringify({ apiKey, secret, ...(password ? { password } : {}) }),
    'utf8',
  );
  const sealed = seal(ring, plaintext, aadOf(actor.userId, exchange, label));
  plaintext.fill(0);
  const data = {
    ...sealed,
    ciphertext: new Uint8Array(sealed.ciphertext),
    iv: new Uint8Array(sealed.iv),
    tag: new Uint8Array(sealed.tag),
  };
  const row = await db.$transaction(async (tx) => {
    const saved = await tx.exchangeCredential.upsert({
      where: { userId_exchange_label: { userId: actor.userId, exchange, label } },
      create: { userId: actor.userId, exchange, label, ...data },
      update: { ...data, revokedAt: null, rotatedAt: null, createdAt: new Date() },
    });
    await audit(tx, {
      actorUserId: actor.userId,
      platform: actor.platform,
      action: 'keys.link',
      subjectType: 'ExchangeCredential',
      subjectId: saved.id,
      detail: { exchange, label, keyVersion: sealed.keyVersion },
    });
    return saved;
  });
  return info(row);
}

export async function listCredentials(db: Db, userId: string): Promise<CredentialInfo[]> {
  const rows = await db.exchangeCredential.findMany({
    where: { userId, revokedAt: null },
    select: { id: true, exchange: true, label: true, keyVersion: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(info);
}

export async function hasCredentials(
  db: Db | Prisma.TransactionClient,
  userId: string,
  exchange: string,
): Promise<boolean> {
  return (await db.exchangeCredential.count({ where: { userId, exchange, revokedAt: null } })) > 0;
}

/** Revokes by credential id or by exchange id; returns how many were revoked. */
export async function revokeCredentials(db: Db, actor: Actor, idOrExchange: string): Promise<number> {
  const isId = z.uuid().safeParse(idOrExchange).success;
  return db.$transaction(async (tx) => {
    const where = {
      userId: actor.userId,
      revokedAt: null,
      ...(isId ? { id: idOrExchange } : { exchange: idOrExchange.trim().toLowerCase() }),
    };
    const rows = await tx.exchangeCredential.findMany({ where, select: { id: true, exchange: true } });
    if (rows.length === 0) {
      throw new AppError('ERR_NOT_FOUND', 'no such linked keys', {
        userMessage: 'You have no linked keys like that.',
      });
    }
    const empty = new Uint8Array(0);
    await tx.exchangeCredential.updateMany({
      where: { id: { in: rows.map((r) => r.id) } },
      data: { revokedAt: new Date(), ciphertext: empty, iv: empty, tag: empty },
    });
    for (const r of rows) {
      await audit(tx, {
        actorUserId: actor.userId,
        platform: actor.platform,
        action: 'keys.revoke',
        subjectType: 'ExchangeCredential',
        subjectId: r.id,
        detail: { exchange: r.exchange },
      });
    }
    return rows.length;
  });
}

/** Plaintext credentials for placing an order. Execution path only. */
export async function openCredentialsForExecution(
  db: Db,
  ring: KeyRing,
  userId: string,
  exchange: string,
): Promise<ExchangeCredentials & { readonly credentialId: string; readonly keyVersion: number }> {
  const row = await db.exchangeCredential.findFirst({
    where: { userId, exchange, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  if (!row) {
    throw new AppError('ERR_LIVE_DISABLED', `user has no ${exchange} keys`, {
      userMessage: `Link your ${exchange} API keys (in a DM) before trading live.`,
    });
  }
  const plaintext = openRow(ring, row);
  const parsed = JSON.parse(plaintext.toString('utf8')) as ExchangeCredentials;
  plaintext.fill(0);
  return { ...parsed, credentialId: row.id, keyVersion: row.keyVersion };
}

export { aadOf as credentialAad };

interface StoredRow {
  readonly userId: string;
  readonly exchange: string;
  readonly label: string;
  readonly ciphertext: Uint8Array;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly keyVersion: number;
}

/** The plaintext of a stored row; the caller zeroes it when done. */
export function openRow(ring: KeyRing, row: StoredRow): Buffer {
  return open(
    ring,
    {
      ciphertext: Buffer.from(row.ciphertext),
      iv: Buffer.from(row.iv),
      tag: Buffer.from(row.tag),
      keyVersion: row.keyVersion,
    },
    aadOf(row.userId, row.exchange, row.label),
  );
}
