/**
 * Paper balances in Postgres. A user's paper account is opened once with PAPER_START_BALANCE USDT. A
 * debit is a guarded update (`free >= amount`), so no sequence of orders, however concurrent, can drive
 * a balance below zero.
 */
import type { Db } from '../db/client.ts';
import { type Decimal, dbString, dec } from '../market/decimal.ts';
import type { Tx } from './transitions.ts';

export const PAPER_START_ASSET = 'USDT';

export interface BalanceRow {
  readonly asset: string;
  readonly free: Decimal;
  readonly locked: Decimal;
}

/** Credits the starting balance the first time; later calls change nothing. */
export async function openPaperAccount(db: Db | Tx, userId: string, startBalance: number): Promise<void> {
  await db.paperBalance.createMany({
    data: [{ userId, asset: PAPER_START_ASSET, free: dbString(dec(startBalance)) }],
    skipDuplicates: true,
  });
}

export async function paperBalances(db: Db | Tx, userId: string): Promise<BalanceRow[]> {
  const rows = await db.paperBalance.findMany({ where: { userId }, orderBy: { asset: 'asc' } });
  return rows.map((r) => ({ asset: r.asset, free: dec(r.free), locked: dec(r.locked) }));
}

export async function freeBalance(db: Db | Tx, userId: string, asset: string): Promise<Decimal> {
  const row = await db.paperBalance.findUnique({ where: { userId_asset: { userId, asset } } });
  return dec(row?.free ?? 0);
}

/** Takes `amount` from free (or locked) balance; false when there is not enough. One statement, no read. */
export async function debit(
  tx: Tx,
  userId: string,
  asset: string,
  amount: Decimal,
  from: 'free' | 'locked' = 'free',
): Promise<boolean> {
  if (amount.isZero()) return true;
  const value = dbString(amount);
  const count =
    from === 'free'
      ? await tx.$executeRaw`UPDATE "PaperBalance" SET free = free - ${value}::numeric
          WHERE "userId" = ${userId}::uuid AND asset = ${asset} AND free >= ${value}::numeric`
      : await tx.$executeRaw`UPDATE "PaperBalance" SET locked = locked - ${value}::numeric
          WHERE "userId" = ${userId}::uuid AND asset = ${asset} AND locked >= ${value}::numeric`;
  return count === 1;
}

export async function credit(
  tx: Tx,
  userId: string,
  asset: string,
  amount: Decimal,
  to: 'free' | 'locked' = 'free',
): Promise<void> {
  if (amount.isZero()) return;
  const value = dbString(amount);
  const [free, locked] = to === 'free' ? [value, '0'] : ['0', value];
  await tx.$executeRaw`
    INSERT INTO "PaperBalance" ("userId", asset, free, locked)
    VALUES (${userId}::uuid, ${asset}, ${free}::numeric, ${locked}::numeric)
    ON CONFLICT ("userId", asset) DO UPDATE
      SET free = "PaperBalance".free + EXCLUDED.free, locked = "PaperBalance".locked + EXCLUDED.locked`;
}

/** Moves `amount` between free and locked; false when the source is short. */
export async function move(
  tx: Tx,
  userId: string,
  asset: string,
  amount: Decimal,
  to: 'free' | 'locked',
): Promise<boolean> {
  const from = to === 'locked' ? 'free' : 'locked';
  if (!(await debit(tx, userId, asset, amount, from))) return false;
  await credit(tx, userId, asset, amount, to);
  return true;
}
