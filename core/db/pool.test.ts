/**
 * The connection pool createDb builds and executeOnPool writes through (the chat's audit): an idle
 * connection that the server terminates (a restart, pg_terminate_backend, a dropped database) must
 * not crash the process, even when Prisma never connected and so never listened; the next statement
 * opens a new connection. And $disconnect ends the pool either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { createDb, executeOnPool } from './client.ts';

describe('the pool behind createDb', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('db-pool');
  });
  afterAll(() => ctx.close());

  it('survives the server terminating an idle connection that only executeOnPool used', async () => {
    const db = createDb(ctx.databaseUrl, { poolSize: 1, asyncCommit: true });
    // Names its connection, so the test can find it; one row, so executeOnPool answers 1.
    const touch = () => executeOnPool(db, "SELECT set_config('application_name', 'pool-test', false)", []);
    try {
      expect(await touch()).toBe(1);
      const killed = await ctx.db.$queryRaw<{ n: bigint }[]>`
        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'pool-test'`;
      expect(killed[0]!.n).toBe(1n);
      // The idle client's error arrives now; before, with nobody listening, it was an uncaught exception.
      await new Promise((r) => setTimeout(r, 200));
      expect(await touch()).toBe(1);
    } finally {
      await db.$disconnect();
    }
    await expect(executeOnPool(db, 'SELECT 1', [])).rejects.toThrow(/after calling end/);
  });
});
