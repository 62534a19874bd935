/**
 * Statements are prepared once per connection (core/db/client.ts). Checks that they really are, that
 * the order path keeps working when a migration adds a column under a running process (a prepared
 * `SELECT *` would not), and that DATABASE_PREPARED_STATEMENTS=false prepares nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingHarness, type TradingHarness } from '../trading/testing/harness.ts';
import { lockOrder } from '../trading/transitions.ts';
import { createDb, type Db } from './client.ts';

const preparedOrderLocks = (tx: Pick<Db, '$queryRaw'>) =>
  tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM pg_prepared_statements
    WHERE statement LIKE '%FROM "Order" WHERE id = $1::uuid FOR UPDATE%'
      AND statement NOT LIKE '%pg_prepared_statements%'`;

describe('prepared statements', () => {
  let h: TradingHarness;
  beforeAll(async () => {
    h = await createTradingHarness('prepared-statements');
  });
  afterAll(() => h.close());

  it('prepares the order lock once per connection and reuses it', async () => {
    const actor = await h.user('prep');
    const p = await h.service.propose(actor, { symbol: 'eth', side: 'buy', amount: '0.1' });
    const counts = await h.app.db.$transaction(async (tx) => {
      await lockOrder(tx, p.orderId);
      const first = (await preparedOrderLocks(tx))[0]!.n;
      await lockOrder(tx, p.orderId);
      return [first, (await preparedOrderLocks(tx))[0]!.n];
    });
    expect(counts).toEqual([1n, 1n]);
  });

  it('keeps executing orders after a migration adds a column to Order', async () => {
    const actor = await h.user('migrating');
    const first = await h.service.propose(actor, { symbol: 'eth', side: 'buy', amount: '0.1' });
    await h.service.confirm(first.handle, actor);
    // Every connection of the pool has the statements prepared before the schema changes.
    await Promise.all(
      Array.from({ length: 5 }, () => h.app.db.$transaction((tx) => lockOrder(tx, first.orderId))),
    );
    await h.app.db.$executeRawUnsafe('ALTER TABLE "Order" ADD COLUMN "addedByALaterRelease" text');

    const second = await h.service.propose(actor, { symbol: 'eth', side: 'buy', amount: '0.1' });
    expect((await h.service.confirm(second.handle, actor)).status).toBe('confirmed');
    const locked = await h.app.db.$transaction((tx) => lockOrder(tx, second.orderId));
    expect(locked?.status).toBe('QUEUED');
    expect(Object.keys(locked ?? {})).not.toContain('addedByALaterRelease');
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off', async () => {
    const db = createDb(h.test.databaseUrl, { poolSize: 1, preparedStatements: false });
    try {
      const prepared = await db.$transaction(async (tx) => {
        await lockOrder(tx, '00000000-0000-4000-8000-000000000000');
        return (await preparedOrderLocks(tx))[0]!.n;
      });
      expect(prepared).toBe(0n);
    } finally {
      await db.$disconnect();
    }
  });
});
