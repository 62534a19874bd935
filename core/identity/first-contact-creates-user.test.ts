import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingTestContext, type TradingTestContext } from '../trading/testing/app-context.ts';
import { createIdentityService, type IdentityService } from './service.ts';

describe('identity: first contact', () => {
  let t: TradingTestContext;
  let identity: IdentityService;
  beforeAll(async () => {
    t = await createTradingTestContext('first-contact', { ADMIN_ACCOUNTS: 'telegram:900' });
    identity = createIdentityService(t.app);
  });
  afterAll(() => t.close());

  it('creates a user on first contact and finds the same one afterwards', async () => {
    const first = await identity.resolveUser('telegram', '1001', 'alice');
    expect(first.created).toBe(true);
    const again = await identity.resolveUser('telegram', '1001', 'alice_renamed');
    expect(again).toEqual({ userId: first.userId, role: 'user', created: false });
    const account = await t.app.db.platformAccount.findFirstOrThrow({ where: { platformUserId: '1001' } });
    expect(account.username).toBe('alice_renamed');
    expect(
      await t.app.db.auditLog.count({ where: { action: 'identity.create', subjectId: first.userId } }),
    ).toBe(1);
  });

  it('creates exactly one user when the first messages arrive at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => identity.resolveUser('discord', '2002')),
    );
    expect(new Set(results.map((r) => r.userId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.app.db.platformAccount.count({ where: { platformUserId: '2002' } })).toBe(1);
  });

  it('keeps the same platform id on two platforms apart', async () => {
    const tg = await identity.resolveUser('telegram', '3003');
    const dc = await identity.resolveUser('discord', '3003');
    expect(tg.userId).not.toBe(dc.userId);
  });

  it('makes the accounts in ADMIN_ACCOUNTS operators, and nobody else', async () => {
    expect((await identity.resolveUser('telegram', '900')).role).toBe('admin');
    expect((await identity.resolveUser('discord', '900')).role).toBe('user');
    const admin = await identity.resolveUser('telegram', '900');
    expect((await identity.getUser(admin.userId)).role).toBe('admin');
  });

  it('demotes an operator at its next contact once its account is removed from ADMIN_ACCOUNTS', async () => {
    const admin = await identity.resolveUser('telegram', '901');
    expect(admin.role).toBe('user');
    const listed = createIdentityService({
      ...t.app,
      config: { ...t.app.config, ADMIN_ACCOUNTS: ['telegram:901'] },
    });
    expect((await listed.resolveUser('telegram', '901')).role).toBe('admin');
    // The operator removed the account from the list (and restarted): the next contact demotes it.
    expect((await identity.resolveUser('telegram', '901')).role).toBe('user');
    expect((await identity.getUser(admin.userId)).role).toBe('user');
    expect(
      await t.app.db.auditLog.count({ where: { action: 'identity.role.user', subjectId: admin.userId } }),
    ).toBe(1);
    // A user with another account still listed stays an operator whichever of its accounts writes.
    const actor = { userId: admin.userId, platform: 'telegram', chatId: 'dm-901', chatKind: 'dm' } as const;
    const { code } = await identity.createLinkCode(actor);
    await identity.redeemLinkCode(code, { platform: 'discord', platformUserId: '901' });
    const viaDiscord = createIdentityService({
      ...t.app,
      config: { ...t.app.config, ADMIN_ACCOUNTS: ['discord:901'] },
    });
    expect((await viaDiscord.resolveUser('discord', '901')).role).toBe('admin');
    expect((await viaDiscord.resolveUser('telegram', '901')).role).toBe('admin');
  });

  it('starts new users in TRADING_MODE, without opting them in to live trading', async () => {
    const paper = await identity.resolveUser('telegram', '1101');
    expect((await identity.getUser(paper.userId)).mode).toBe('paper');
    const liveByDefault = createIdentityService({
      ...t.app,
      config: { ...t.app.config, TRADING_MODE: 'live', LIVE_TRADING_ENABLED: true },
    });
    const fresh = await liveByDefault.resolveUser('telegram', '1102');
    expect(await identity.getUser(fresh.userId)).toMatchObject({ mode: 'live', liveOptIn: false });
    // An existing user keeps the mode they have.
    await liveByDefault.resolveUser('telegram', '1101');
    expect((await identity.getUser(paper.userId)).mode).toBe('paper');
  });

  it('rejects malformed platform ids with a typed error and creates nothing', async () => {
    const before = await t.app.db.user.count();
    for (const id of ['', 'a b', 'x'.repeat(65), "1'; drop table"]) {
      await expect(identity.resolveUser('telegram', id)).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    }
    expect(await t.app.db.user.count()).toBe(before);
  });
});
