import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { createIdentityService } from '../identity/service.ts';
import type { Actor } from '../identity/types.ts';
import { createTradingTestContext, type TradingTestContext } from '../trading/testing/app-context.ts';
import { open, seal } from './cipher.ts';
import { credentialAad, hasCredentials, openCredentialsForExecution } from './credentials.ts';
import { createKeysService, type KeysService, vaultRing } from './service.ts';

const API_KEY = 'AKIA-test-key-123456';
const SECRET = 'very-secret-value-0123456789abcdef';

describe('vault: exchange credentials sealed with AES-256-GCM', () => {
  let t: TradingTestContext;
  let keys: KeysService;
  let alice: Actor;
  let mallory: Actor;
  beforeAll(async () => {
    t = await createTradingTestContext('vault');
    keys = createKeysService(t.app);
    const identity = createIdentityService(t.app);
    alice = { userId: (await identity.resolveUser('telegram', '1')).userId, platform: 'telegram' };
    mallory = { userId: (await identity.resolveUser('telegram', '2')).userId, platform: 'telegram' };
  });
  afterAll(() => t.close());

  it('stores no plaintext, returns no secret, and opens only in the execution path', async () => {
    const info = await keys.link(alice, { exchange: 'Kraken', apiKey: API_KEY, secret: SECRET });
    expect(info).toMatchObject({ exchange: 'kraken', label: 'default', keyVersion: 1 });
    const shown = JSON.stringify([info, await keys.list(alice)]);
    expect(shown).not.toContain(API_KEY);
    expect(shown).not.toContain(SECRET);
    const row = await t.app.db.exchangeCredential.findFirstOrThrow({ where: { userId: alice.userId } });
    expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain(SECRET);
    expect(row.iv).toHaveLength(12);
    const audits = JSON.stringify(
      await t.app.db.auditLog.findMany({
        where: { action: 'keys.link' },
        select: { detail: true, action: true },
      }),
    );
    expect(audits).not.toContain(SECRET);
    const opened = await openCredentialsForExecution(
      t.app.db,
      vaultRing(t.app.config),
      alice.userId,
      'kraken',
    );
    expect(opened).toMatchObject({ apiKey: API_KEY, secret: SECRET, keyVersion: 1 });
  });

  it('uses a fresh random IV for every record', () => {
    const ring = vaultRing(t.app.config);
    const a = seal(ring, Buffer.from('same'), 'aad');
    const b = seal(ring, Buffer.from('same'), 'aad');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('refuses a tampered record and one moved onto another user', async () => {
    const ring = vaultRing(t.app.config);
    const sealed = seal(ring, Buffer.from(SECRET), credentialAad(alice.userId, 'kraken', 'default'));
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0]! ^= 1;
    expect(() =>
      open(ring, { ...sealed, ciphertext: flipped }, credentialAad(alice.userId, 'kraken', 'default')),
    ).toThrow(expect.objectContaining({ code: 'ERR_VAULT' }));
    expect(() => open(ring, sealed, credentialAad(mallory.userId, 'kraken', 'default'))).toThrow(
      expect.objectContaining({ code: 'ERR_VAULT' }),
    );
    // Copy Alice's sealed row onto Mallory's account: it must not open as Mallory's keys.
    const row = await t.app.db.exchangeCredential.findFirstOrThrow({ where: { userId: alice.userId } });
    await t.app.db.exchangeCredential.create({
      data: {
        userId: mallory.userId,
        exchange: 'kraken',
        ciphertext: row.ciphertext,
        iv: row.iv,
        tag: row.tag,
        keyVersion: 1,
      },
    });
    const err = await openCredentialsForExecution(t.app.db, ring, mallory.userId, 'kraken').catch(
      (e: unknown) => e,
    );
    expect(isAppError(err, 'ERR_VAULT')).toBe(true);
    expect(String((err as Error).message)).not.toContain(SECRET);
  });

  it('revokes by exchange: the ciphertext is wiped and execution can no longer open it', async () => {
    await keys.link(alice, { exchange: 'binance', apiKey: API_KEY, secret: SECRET, label: 'main' });
    expect(await hasCredentials(t.app.db, alice.userId, 'binance')).toBe(true);
    expect(await keys.revoke(alice, 'binance')).toBe(1);
    expect(await hasCredentials(t.app.db, alice.userId, 'binance')).toBe(false);
    const row = await t.app.db.exchangeCredential.findFirstOrThrow({
      where: { userId: alice.userId, exchange: 'binance' },
    });
    expect(row.ciphertext).toHaveLength(0);
    await expect(
      openCredentialsForExecution(t.app.db, vaultRing(t.app.config), alice.userId, 'binance'),
    ).rejects.toMatchObject({ code: 'ERR_LIVE_DISABLED' });
    await expect(keys.revoke(mallory, 'binance')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('rejects malformed input before sealing anything', async () => {
    const before = await t.app.db.exchangeCredential.count();
    await expect(
      keys.link(alice, { exchange: 'kr aken', apiKey: API_KEY, secret: SECRET }),
    ).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
    await expect(
      keys.link(alice, { exchange: 'kraken', apiKey: 'short', secret: SECRET }),
    ).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
    expect(await t.app.db.exchangeCredential.count()).toBe(before);
  });
});
