import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { createIdentityService } from '../core/identity/service.ts';
import { createLogger } from '../core/logger.ts';
import { openRow } from '../core/vault/credentials.ts';
import { createKeysService } from '../core/vault/service.ts';
import { spawnCli } from '../test/support/cli.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';

const v1 = `v1:${randomBytes(32).toString('base64')}`;
const v2 = `v2:${randomBytes(32).toString('base64')}`;
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext('keysrotate');
});
afterAll(() => t.close());

describe('cryptopulse keys rotate', () => {
  it('re-encrypts every credential under the newest key; the secret still opens and is never printed', async () => {
    const config = loadConfig({ ...t.env, VAULT_KEY: v1 });
    const ctx = { db: t.db, config, logger: createLogger({ level: 'silent' }) };
    const { userId } = await createIdentityService(ctx).resolveUser('telegram', 'k1');
    const actor = { userId, platform: 'telegram' as const, chatId: 'k1', chatKind: 'dm' as const };
    await createKeysService(ctx).link(actor, {
      exchange: 'kraken',
      apiKey: 'AKEY-12345678',
      secret: 'SECRET-abcdefgh',
    });

    const run = spawnCli(['keys', 'rotate'], { ...t.env, VAULT_KEY: `${v1},${v2}` });
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(/re-encrypted 1 credential\(s\) under key version 2/);
    expect(run.output()).not.toContain('SECRET-abcdefgh');

    const row = await t.db.exchangeCredential.findFirstOrThrow({ where: { userId } });
    expect(row.keyVersion).toBe(2);
    const ring = loadConfig({ VAULT_KEY: `${v1},${v2}` }).VAULT_KEY!;
    expect(openRow(ring, row).toString()).toContain('SECRET-abcdefgh');
  });

  it('refuses without VAULT_KEY, exit 2', async () => {
    const run = spawnCli(['keys', 'rotate'], { ...t.env, VAULT_KEY: '' });
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toContain('VAULT_KEY');
  });
});
