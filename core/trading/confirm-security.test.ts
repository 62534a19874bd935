/**
 * Only the owner's confirmation counts, only once, only before expiry. Another user's press, an expired
 * or replayed handle, a tampered or forged one: refused, nothing executes, and each attempt is audited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import { signHandle } from './confirm-handle.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';

async function failure(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err.code;
}

describe('confirmation security', () => {
  let h: TradingHarness;
  let owner: Actor;
  let other: Actor;
  beforeAll(async () => {
    h = await createTradingHarness('confirm-security');
    owner = await h.user('owner');
    other = await h.user('intruder', 'discord');
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.queued.length = 0;
  });

  const propose = () => h.service.propose(owner, { symbol: 'eth', side: 'buy', amount: '0.1' });
  const rejections = (orderId: string | null, reason: string) =>
    h.app.db.auditLog.count({
      where: {
        action: 'order.confirm',
        outcome: 'rejected',
        subjectId: orderId,
        detail: { path: ['reason'], equals: reason },
      },
    });
  const status = async (orderId: string) =>
    (await h.app.db.order.findUniqueOrThrow({ where: { id: orderId } })).status;

  it("refuses another user's confirmation, and executes nothing", async () => {
    const p = await propose();
    expect(await failure(h.service.confirm(p.handle, other))).toBe('ERR_NOT_OWNER');
    expect(await failure(h.service.decline(p.handle, other))).toBe('ERR_NOT_OWNER');
    expect(await status(p.orderId)).toBe('PROPOSED');
    expect(h.queued).toEqual([]);
    const audit = await h.app.db.auditLog.findFirstOrThrow({
      where: { action: 'order.confirm', subjectId: p.orderId },
    });
    expect(audit).toMatchObject({ actorUserId: other.userId, platform: 'DISCORD', outcome: 'rejected' });
    expect(await rejections(p.orderId, 'not_owner')).toBe(1);
  });

  it('refuses an expired confirmation and marks the proposal expired', async () => {
    const p = await propose();
    h.clock.now += h.app.config.CONFIRM_TTL_SECONDS * 1000;
    expect(await failure(h.service.confirm(p.handle, owner))).toBe('ERR_ORDER_EXPIRED');
    expect(await status(p.orderId)).toBe('EXPIRED');
    expect(h.queued).toEqual([]);
    expect(await rejections(p.orderId, 'expired')).toBe(1);
    // Pressing again still does nothing.
    expect(await failure(h.service.confirm(p.handle, owner))).toBe('ERR_ORDER_EXPIRED');
  });

  it('treats a replayed confirmation as a no-op: one queue entry, one fill', async () => {
    const p = await propose();
    expect((await h.service.confirm(p.handle, owner)).status).toBe('confirmed');
    const results = await Promise.all([
      h.service.confirm(p.handle, owner),
      h.service.confirm(p.handle, owner),
    ]);
    expect(results.map((r) => r.status)).toEqual(['already_confirmed', 'already_confirmed']);
    expect(h.queued).toEqual([p.orderId]);
    await executePaperOrder(h.deps, p.orderId);
    expect((await h.service.confirm(p.handle, owner)).status).toBe('already_confirmed');
    expect(await h.app.db.fill.count({ where: { orderId: p.orderId } })).toBe(1);
    expect(await rejections(p.orderId, 'replay')).toBe(3);
  });

  it('confirms exactly once when the owner double-taps', async () => {
    const p = await propose();
    const results = await Promise.all(Array.from({ length: 5 }, () => h.service.confirm(p.handle, owner)));
    expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(1);
    expect(h.queued).toEqual([p.orderId]);
  });

  it('refuses tampered, truncated and forged handles', async () => {
    const p = await propose();
    const raw = Buffer.from(p.handle, 'base64url');
    const variants: string[] = [];
    for (const i of [0, 5, 17, 20, 30, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[i]! ^= 0x01;
      variants.push(copy.toString('base64url'));
    }
    // Someone else's order id with this handle's MAC, an expiry pushed later, another secret.
    const other = await propose();
    variants.push(
      Buffer.concat([
        raw.subarray(0, 1),
        Buffer.from(other.orderId.replace(/-/g, ''), 'hex'),
        raw.subarray(17),
      ]).toString('base64url'),
    );
    variants.push(signHandle('x'.repeat(64), p.orderId, owner.userId, new Date(Date.now() + 3_600_000)));
    for (const handle of variants) {
      const code = await failure(h.service.confirm(handle, owner));
      expect(code).toBe('ERR_BAD_HANDLE');
    }
    for (const junk of [
      '',
      'abc',
      p.handle.slice(0, 40),
      `${p.handle}A`,
      '🙂'.repeat(20),
      'x'.repeat(5000),
    ]) {
      expect(await failure(h.service.confirm(junk, owner))).toBe('ERR_BAD_HANDLE');
    }
    expect(await status(p.orderId)).toBe('PROPOSED');
    expect(await status(other.orderId)).toBe('PROPOSED');
    expect(h.queued).toEqual([]);
    const refused = await h.app.db.auditLog.count({
      where: { action: 'order.confirm', outcome: 'rejected', actorUserId: owner.userId },
    });
    expect(refused).toBeGreaterThanOrEqual(variants.length + 6);
  });

  it('lets the owner decline; a confirmation afterwards is refused', async () => {
    const p = await propose();
    expect((await h.service.decline(p.handle, owner)).status).toBe('CANCELLED');
    expect(await failure(h.service.confirm(p.handle, owner))).toBe('ERR_ORDER_STATE');
    expect(h.queued).toEqual([]);
  });
});
