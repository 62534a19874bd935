/**
 * Identity facade for adapters and the agent:
 *
 *   resolveUser(platform, platformUserId, username?) → { userId, role, created }   first contact creates
 *   createLinkCode(actor)                            → { code: "ABCD-EFGH", expiresAt }  valid 10 min
 *   redeemLinkCode(code, { platform, platformUserId, username? }) → { userId }  ERR_LINK_CODE if bad
 *   getUser(userId)                                  → UserView (role, mode, live opt-in)
 */
import type { AppContext } from '../context.ts';
import { createLinkCode, type LinkCode, redeemLinkCode } from './link-codes.ts';
import type { Actor, PlatformName, UserId } from './types.ts';
import { type AccountInput, getUser, type ResolvedUser, resolveUser, type UserView } from './users.ts';

export interface IdentityService {
  resolveUser(platform: PlatformName, platformUserId: string, username?: string): Promise<ResolvedUser>;
  createLinkCode(actor: Actor): Promise<LinkCode>;
  redeemLinkCode(code: string, account: AccountInput): Promise<{ userId: UserId }>;
  getUser(userId: string): Promise<UserView>;
}

export function createIdentityService(ctx: Pick<AppContext, 'db' | 'config'>): IdentityService {
  return {
    resolveUser: (platform, platformUserId, username) =>
      resolveUser(
        ctx.db,
        { platform, platformUserId, username },
        ctx.config.ADMIN_ACCOUNTS,
        ctx.config.TRADING_MODE,
      ),
    createLinkCode: (actor) => createLinkCode(ctx.db, actor),
    redeemLinkCode: (code, account) => redeemLinkCode(ctx.db, code, account),
    getUser: (userId) => getUser(ctx.db, userId),
  };
}
