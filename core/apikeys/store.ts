/**
 * API keys for /v1. A key is `cpk_` + 32 random bytes (base64url): high-entropy, so one SHA-256 is the
 * right way to store it (a slow password hash protects guessable secrets, which these are not). The
 * database holds only that hash and a short prefix to recognise the key by; the key itself is returned
 * once, by create().
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';

export type ApiKeyId = string & { readonly __brand: 'ApiKeyId' };

export interface ApiKeyInfo {
  readonly id: ApiKeyId;
  readonly name: string;
  readonly prefix: string;
  readonly ratePerMinute: number;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface CreatedApiKey {
  readonly info: ApiKeyInfo;
  /** The secret, shown once; it cannot be recovered later. */
  readonly key: string;
}

const KEY_PATTERN = /^cpk_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;
/** lastUsedAt is a hint for operators; writing it on every request would cost a write per read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const createInput = z.object({
  name: z.string().trim().min(1, 'needs a name').max(100, 'name: at most 100 characters'),
  ratePerMinute: z
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(1_000_000),
});

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

const toInfo = (row: {
  id: string;
  name: string;
  prefix: string;
  ratePerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeyInfo => ({ ...row, id: row.id as ApiKeyId });

export class ApiKeyStore {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db) {}

  async create(input: { name: string; ratePerMinute: number }): Promise<CreatedApiKey> {
    const parsed = createInput.safeParse(input);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'invalid API key settings';
      throw new AppError('ERR_VALIDATION', message, { userMessage: message });
    }
    const key = `cpk_${randomBytes(32).toString('base64url')}`;
    const row = await this.db.apiKey.create({
      data: {
        name: parsed.data.name,
        ratePerMinute: parsed.data.ratePerMinute,
        prefix: key.slice(0, PREFIX_LENGTH),
        hash: hashApiKey(key),
      },
    });
    return { info: toInfo(row), key };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.db.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(toInfo);
  }

  /** By id or by the prefix `list` shows. Revoking twice is not an error; an unknown key is. */
  /**
   * By id, by the prefix `apikeys list` shows, or by the key itself (pasted from where it leaked).
   * `alreadyRevoked` says that nothing changed.
   */
  async revoke(idOrPrefix: string): Promise<ApiKeyInfo & { alreadyRevoked: boolean }> {
    const where = /^[0-9a-f-]{36}$/i.test(idOrPrefix)
      ? { id: idOrPrefix }
      : looksLikeApiKey(idOrPrefix)
        ? { hash: hashApiKey(idOrPrefix) }
        : { prefix: idOrPrefix };
    const matches = await this.db.apiKey.findMany({ where });
    if (matches.length !== 1) {
      const message =
        matches.length === 0
          ? `no API key with id or prefix "${idOrPrefix}"`
          : `"${idOrPrefix}" matches ${matches.length} keys; use the id`;
      throw new AppError(matches.length === 0 ? 'ERR_NOT_FOUND' : 'ERR_VALIDATION', message, {
        userMessage: message,
      });
    }
    const row = matches[0]!;
    if (row.revokedAt) return { ...toInfo(row), alreadyRevoked: true };
    const revoked = await this.db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    return { ...toInfo(revoked), alreadyRevoked: false };
  }

  /** The active key with this id, or null (unknown or revoked): for sessions issued against a key. */
  async active(id: string): Promise<ApiKeyInfo | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const row = await this.db.apiKey.findUnique({ where: { id } });
    return row && !row.revokedAt ? toInfo(row) : null;
  }

  /** The active key behind `key`, or null (unknown, malformed or revoked). Read every time: a revoke takes effect at once. */
  async verify(key: string): Promise<ApiKeyInfo | null> {
    if (!looksLikeApiKey(key)) return null;
    const row = await this.db.apiKey.findUnique({ where: { hash: hashApiKey(key) } });
    if (!row || row.revokedAt) return null;
    const now = Date.now();
    if (now - (this.touched.get(row.id) ?? 0) > LAST_USED_RESOLUTION_MS) {
      this.touched.set(row.id, now);
      void this.db.apiKey
        .update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } })
        .catch(() => undefined);
    }
    return toInfo(row);
  }
}
