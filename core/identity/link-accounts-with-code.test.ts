import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingTestContext, type TradingTestContext } from '../trading/testing/app-context.ts';
import { createLinkCode, LINK_CODE_TTL_MS, redeemLinkCode } from './link-codes.ts';
import { createIdentityService, type IdentityService } from './service.ts';

describe('identity: linking Discord and Telegram with a one-time code', () => {
  let t: TradingTestContext;
  let identity: IdentityService;
  beforeAll(async () => {
    t = await createTradingTestContext('link-accounts');
    identity = createIdentityService(t.app);
  });
  afterAll(() => t.close());

  it('links the account that enters the code to the user who asked for it', async () => {
    const tg = await identity.resolveUser('telegram', '10', 'bob');
    const dc = await identity.resolveUser('discord', '20', 'bob#1');
    const { code, expiresAt } = await identity.createLinkCode({ userId: tg.userId, platform: 'telegram' });
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    const linked = await identity.redeemLinkCode(code.toLowerCase(), {
      platform: 'discord',
      platformUserId: '20',
    });
    expect(linked.userId).toBe(tg.userId);
    expect((await identity.resolveUser('discord', '20')).userId).toBe(tg.userId);
    // The Discord account's throwaway user (no orders) is gone.
    expect(await t.app.db.user.count({ where: { id: dc.userId } })).toBe(0);
    // Only a hash of the code is stored.
    const stored = await t.app.db.linkCode.findFirstOrThrow({ where: { userId: tg.userId } });
    expect(stored.codeHash).not.toContain(code.replace('-', ''));
  });

  it('a code entered from the account that asked for it is refused as such, and stays usable', async () => {
    // It answered "Linked: this account now shares your portfolio" and used the code up.
    const tg = await identity.resolveUser('telegram', '140', 'carol');
    const { code } = await identity.createLinkCode({ userId: tg.userId, platform: 'telegram' });
    await expect(
      identity.redeemLinkCode(code, { platform: 'telegram', platformUserId: '140' }),
    ).rejects.toMatchObject({
      code: 'ERR_LINK_CODE',
      userMessage: expect.stringMatching(/made by this account.*from your other account/),
    });
    const linked = await identity.redeemLinkCode(code, { platform: 'discord', platformUserId: '141' });
    expect(linked.userId).toBe(tg.userId);
  });

  it('accepts a code once, even when entered twice at the same moment', async () => {
    const owner = await identity.resolveUser('telegram', '30');
    const { code } = await identity.createLinkCode({ userId: owner.userId, platform: 'telegram' });
    const results = await Promise.allSettled([
      identity.redeemLinkCode(code, { platform: 'discord', platformUserId: '31' }),
      identity.redeemLinkCode(code, { platform: 'discord', platformUserId: '32' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'ERR_LINK_CODE' });
  });

  it('rejects an expired code (10 minutes) and a wrong one, and audits both attempts', async () => {
    const owner = await identity.resolveUser('telegram', '40');
    const issued = new Date('2026-03-01T12:00:00Z');
    const { code } = await createLinkCode(t.app.db, { userId: owner.userId, platform: 'telegram' }, issued);
    const late = new Date(issued.getTime() + LINK_CODE_TTL_MS + 1);
    await expect(
      redeemLinkCode(t.app.db, code, { platform: 'discord', platformUserId: '41' }, late),
    ).rejects.toMatchObject({
      code: 'ERR_LINK_CODE',
    });
    await expect(
      identity.redeemLinkCode('AAAA-BBBB', { platform: 'discord', platformUserId: '41' }),
    ).rejects.toMatchObject({
      code: 'ERR_LINK_CODE',
    });
    expect(
      await t.app.db.auditLog.count({ where: { action: 'identity.link', outcome: 'rejected' } }),
    ).toBeGreaterThanOrEqual(2);
    expect(await t.app.db.platformAccount.count({ where: { platformUserId: '41' } })).toBe(0);
  });

  it('replaces an older unused code with the new one', async () => {
    const owner = await identity.resolveUser('telegram', '50');
    const first = await identity.createLinkCode({ userId: owner.userId, platform: 'telegram' });
    await identity.createLinkCode({ userId: owner.userId, platform: 'telegram' });
    await expect(
      identity.redeemLinkCode(first.code, { platform: 'discord', platformUserId: '51' }),
    ).rejects.toMatchObject({
      code: 'ERR_LINK_CODE',
    });
  });
});
