/**
 * Linking a Discord and a Telegram account to one user: a one-time code, valid 10 minutes, shown on one
 * platform and entered on the other. Only a hash of the code is stored; redeeming is a guarded update, so
 * a code links at most one account even when entered twice at once.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { audit } from './audit.ts';
import { type Actor, toDbPlatform, type UserId } from './types.ts';
import { type AccountInput, accountSchema } from './users.ts';

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** No 0/O, 1/I/L: codes are read aloud and typed on phones. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 8;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');
const normalise = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export interface LinkCode {
  readonly code: string;
  readonly expiresAt: Date;
}

export async function createLinkCode(db: Db, actor: Actor, now = new Date()): Promise<LinkCode> {
  const code = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await db.$transaction([
    // One live code per user: a new one replaces the old.
    db.linkCode.deleteMany({ where: { userId: actor.userId, usedAt: null } }),
    db.linkCode.create({
      data: {
        codeHash: hash(code),
        userId: actor.userId,
        fromPlatform: toDbPlatform(actor.platform),
        expiresAt,
      },
    }),
  ]);
  await audit(db, { actorUserId: actor.userId, platform: actor.platform, action: 'identity.link_code' });
  return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt };
}

const invalid = () => new AppError('ERR_LINK_CODE', 'invalid or expired link code');

/**
 * Attaches the account entering `code` to the user who created it. The account's previous user, if it
 * is left with no account and no orders, is removed; otherwise it keeps its history.
 */
export async function redeemLinkCode(
  db: Db,
  code: string,
  account: AccountInput,
  now = new Date(),
): Promise<{ userId: UserId }> {
  const { platform, platformUserId, username } = accountSchema.parse(account);
  const codeHash = hash(normalise(code));
  return db.$transaction(async (tx) => {
    const row = await tx.linkCode.findUnique({ where: { codeHash } });
    const claimed =
      row &&
      (
        await tx.linkCode.updateMany({
          where: { codeHash, usedAt: null, expiresAt: { gt: now } },
          data: { usedAt: now },
        })
      ).count === 1;
    if (!row || !claimed) {
      await audit(db, { platform, action: 'identity.link', outcome: 'rejected', detail: { platformUserId } });
      throw invalid();
    }
    const where = { platform_platformUserId: { platform: toDbPlatform(platform), platformUserId } };
    const previous = await tx.platformAccount.findUnique({ where });
    // Entered where it was asked for: nothing to link. Throwing rolls the claim back, so the code still
    // works from the other account.
    if (previous?.userId === row.userId)
      throw new AppError('ERR_LINK_CODE', 'link code entered from the account that created it', {
        userMessage: `That code was made by this account, so there is nothing to link here. Send /link ${normalise(code).replace(/^(.{4})/, '$1-')} from your other account (Telegram or Discord).`,
      });
    await tx.platformAccount.upsert({
      where,
      create: {
        userId: row.userId,
        platform: toDbPlatform(platform),
        platformUserId,
        username: username ?? null,
      },
      update: { userId: row.userId, ...(username ? { username } : {}) },
    });
    if (previous && previous.userId !== row.userId) {
      const [accounts, orders] = await Promise.all([
        tx.platformAccount.count({ where: { userId: previous.userId } }),
        tx.order.count({ where: { userId: previous.userId } }),
      ]);
      if (accounts === 0 && orders === 0) await tx.user.delete({ where: { id: previous.userId } });
    }
    await audit(tx, {
      actorUserId: row.userId,
      platform,
      action: 'identity.link',
      subjectType: 'User',
      subjectId: row.userId,
      detail: { platformUserId, from: row.fromPlatform, previousUserId: previous?.userId ?? null },
    });
    return { userId: row.userId as UserId };
  });
}
