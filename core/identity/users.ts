/**
 * Users are created on first contact from any platform; a platform account belongs to exactly one
 * user. Operators (admin role) are the accounts listed in ADMIN_ACCOUNTS.
 */
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { audit } from './audit.ts';
import { fromDbPlatform, type PlatformName, platformSchema, toDbPlatform, type UserId } from './types.ts';

export type Role = 'user' | 'admin';
export type Mode = 'paper' | 'live';

export interface UserView {
  readonly id: UserId;
  readonly role: Role;
  readonly displayName: string | null;
  readonly mode: Mode;
  readonly liveOptIn: boolean;
  readonly createdAt: Date;
}

export interface ResolvedUser {
  readonly userId: UserId;
  readonly role: Role;
  readonly created: boolean;
}

export const accountSchema = z.object({
  platform: platformSchema,
  platformUserId: z
    .string()
    .trim()
    .regex(/^[\w-]{1,64}$/, 'a platform user id'),
  username: z.string().trim().max(64).optional(),
});
export type AccountInput = z.input<typeof accountSchema>;

/** Prisma's code for a unique-constraint violation: someone else created the row first. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'P2002';
}

function parseAccount(input: AccountInput) {
  const parsed = accountSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('ERR_VALIDATION', `invalid account: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function isAdminAccount(
  admins: readonly string[],
  platform: PlatformName,
  platformUserId: string,
): boolean {
  return admins.includes(`${platform}:${platformUserId}`);
}

/** Whether any platform account of the user is listed in ADMIN_ACCOUNTS. */
async function anyListed(db: Db, userId: string, admins: readonly string[]): Promise<boolean> {
  if (admins.length === 0) return false;
  const accounts = await db.platformAccount.findMany({
    where: { userId },
    select: { platform: true, platformUserId: true },
  });
  return accounts.some((a) => isAdminAccount(admins, fromDbPlatform(a.platform), a.platformUserId));
}

/**
 * Finds or creates the user behind a platform account; safe under concurrent first contacts. A new user
 * starts in `defaultMode` (TRADING_MODE); live still needs the operator switch, keys and their own opt-in
 * (`/mode live`) before an order reaches an exchange.
 */
export async function resolveUser(
  db: Db,
  input: AccountInput,
  admins: readonly string[] = [],
  defaultMode: Mode = 'paper',
): Promise<ResolvedUser> {
  const { platform, platformUserId, username } = parseAccount(input);
  const where = { platform_platformUserId: { platform: toDbPlatform(platform), platformUserId } };
  const admin = isAdminAccount(admins, platform, platformUserId);
  const found = await db.platformAccount.findUnique({ where, include: { user: { select: { role: true } } } });
  if (found) {
    // The role follows ADMIN_ACCOUNTS at every contact: an operator is a user with at least one listed
    // account, so one removed from the list is demoted here, at its next message or button.
    const wasAdmin = found.user.role === 'ADMIN';
    const isAdmin = admin || (wasAdmin && (await anyListed(db, found.userId, admins)));
    const renamed = username !== undefined && found.username !== username;
    if (renamed || isAdmin !== wasAdmin) {
      await db.$transaction(async (tx) => {
        if (renamed) await tx.platformAccount.update({ where, data: { username } });
        if (isAdmin === wasAdmin) return;
        await tx.user.update({ where: { id: found.userId }, data: { role: isAdmin ? 'ADMIN' : 'USER' } });
        await audit(tx, {
          actorUserId: found.userId,
          platform,
          action: isAdmin ? 'identity.role.admin' : 'identity.role.user',
          subjectType: 'User',
          subjectId: found.userId,
          detail: { reason: isAdmin ? 'listed in ADMIN_ACCOUNTS' : 'no longer in ADMIN_ACCOUNTS' },
        });
      });
    }
    return { userId: found.userId as UserId, role: isAdmin ? 'admin' : 'user', created: false };
  }
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: {
          role: admin ? 'ADMIN' : 'USER',
          tradingMode: defaultMode === 'live' ? 'LIVE' : 'PAPER',
          displayName: username ?? null,
          accounts: {
            create: { platform: toDbPlatform(platform), platformUserId, username: username ?? null },
          },
        },
      });
      await audit(tx, {
        actorUserId: created.id,
        platform,
        action: 'identity.create',
        subjectType: 'User',
        subjectId: created.id,
      });
      return created;
    });
    return { userId: user.id as UserId, role: admin ? 'admin' : 'user', created: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await db.platformAccount.findUniqueOrThrow({
      where,
      include: { user: { select: { role: true } } },
    });
    return {
      userId: winner.userId as UserId,
      role: winner.user.role === 'ADMIN' ? 'admin' : 'user',
      created: false,
    };
  }
}

export async function getUser(db: Db, userId: string): Promise<UserView> {
  const u = await db.user.findUnique({ where: { id: userId } });
  if (!u) throw new AppError('ERR_NOT_FOUND', `no user ${userId}`);
  return {
    id: u.id as UserId,
    role: u.role === 'ADMIN' ? 'admin' : 'user',
    displayName: u.displayName,
    mode: u.tradingMode === 'LIVE' ? 'live' : 'paper',
    liveOptIn: u.liveOptIn,
    createdAt: u.createdAt,
  };
}

export async function requireAdmin(db: Db, userId: string): Promise<void> {
  if ((await getUser(db, userId)).role !== 'admin') {
    throw new AppError('ERR_FORBIDDEN', `user ${userId} is not an operator`, {
      userMessage: 'Only an operator can do that.',
    });
  }
}
