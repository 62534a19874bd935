import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createIdentityService } from '../identity/service.ts';
import type { Actor } from '../identity/types.ts';
import {
  createTradingTestContext,
  type TradingTestContext,
  testVaultKey,
} from '../trading/testing/app-context.ts';
import type { KeyRing } from './cipher.ts';
import { linkCredentials, openCredentialsForExecution } from './credentials.ts';
import { rotateVaultKeys } from './rotate.ts';

const ringOf = (value: string): KeyRing => loadConfig({ VAULT_KEY: value }).VAULT_KEY!;

describe('vault: key rotation while the system runs', () => {
  let t: TradingTestContext;
  let v1: string;
  let users: Actor[];
  beforeAll(async () => {
    v1 = testVaultKey(1);
    t = await createTradingTestContext('rotate', { VAULT_KEY: v1 });
    const identity = createIdentityService(t.app);
    users = [];
    for (let i = 0; i < 30; i++) {
      const actor: Actor = {
        userId: (await identity.resolveUser('discord', `u${i}`)).userId,
        platform: 'discord',
      };
      users.push(actor);
      await linkCredentials(t.app.db, ringOf(v1), actor, {
        exchange: 'kraken',
        apiKey: `key-${i}-xxxxxxxx`,
        secret: `secret-${i}-xxxxxxxx`,
      });
    }
  });
  afterAll(() => t.close());

  it('re-seals every record under the new key while users keep linking and trading', async () => {
    const both = ringOf(`${v1},${testVaultKey(2)}`);
    // While the rotation runs, user 0 re-links new keys (sealed under v2 right away), and the executor
    // keeps opening records of every version.
    const [report] = await Promise.all([
      rotateVaultKeys(t.app.db, both, 7),
      linkCredentials(t.app.db, both, users[0]!, {
        exchange: 'kraken',
        apiKey: 'key-0-new-xxxxx',
        secret: 'secret-0-new-xxxx',
      }),
      ...users.map((u) => openCredentialsForExecution(t.app.db, both, u.userId, 'kraken')),
    ]);
    expect(report.toVersion).toBe(2);
    expect(report.unreadable).toEqual([]);
    expect(report.rotated + report.raced).toBeGreaterThanOrEqual(29);
    expect(await t.app.db.exchangeCredential.count({ where: { keyVersion: { not: 2 } } })).toBe(0);
    // Only the new key is needed from now on, and nobody's secret changed (user 0 kept the newer one).
    const onlyV2 = new Map([[2, both.get(2)!]]);
    for (const [i, u] of users.entries()) {
      const creds = await openCredentialsForExecution(t.app.db, onlyV2, u.userId, 'kraken');
      expect(creds.secret).toBe(i === 0 ? 'secret-0-new-xxxx' : `secret-${i}-xxxxxxxx`);
    }
    expect(await t.app.db.auditLog.count({ where: { action: 'keys.rotate', outcome: 'ok' } })).toBe(1);
  });

  it('reports records sealed under a key that is no longer in the ring', async () => {
    const lost = ringOf(testVaultKey(3));
    const report = await rotateVaultKeys(t.app.db, lost);
    expect(report.unreadable).toHaveLength(30);
    expect(report.rotated).toBe(0);
  });
});
