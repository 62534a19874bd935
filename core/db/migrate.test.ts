import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../test/support/env.ts';
import { createDb } from './client.ts';
import { migrate } from './migrate.ts';
import { withDatabase } from './url.ts';

const fresh = `cp_t_migrate_${randomBytes(4).toString('hex')}`;
const url = withDatabase(TEST_DATABASE_URL, fresh);

async function schemaFingerprint(): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const cols = await c.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const migrations = await c.query(
    'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1',
  );
  await c.end();
  return JSON.stringify([cols.rows, migrations.rows]);
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`);
  await admin.end();
});

describe('cryptopulse migrate on a fresh database', () => {
  it('creates the database, applies every migration, and a second run changes nothing', async () => {
    const first = await migrate(url);
    expect(first.createdDatabase).toBe(true);
    expect(first.applied.length).toBeGreaterThan(0);
    const before = await schemaFingerprint();

    const second = await migrate(url);
    expect(second).toEqual({ createdDatabase: false, applied: [] });
    expect(await schemaFingerprint()).toBe(before);
  });

  it('yields a schema the generated client can use', async () => {
    const db = createDb(url, { poolSize: 2 });
    const user = await db.user.create({
      data: { accounts: { create: { platform: 'TELEGRAM', platformUserId: '42', username: 'alice' } } },
      include: { accounts: true },
    });
    expect(user.tradingMode).toBe('PAPER');
    expect(user.liveOptIn).toBe(false);
    await expect(
      db.platformAccount.create({ data: { userId: user.id, platform: 'TELEGRAM', platformUserId: '42' } }),
    ).rejects.toThrow();
    await db.$disconnect();
  });
});
