/**
 * Paper balances in Postgres. A user's paper account is opened once with PAPER_START_BALANCE USDT. Every
 * change goes through `settle`, which refuses a change set that would take any balance below zero, so no
 * sequence of orders, however concurrent, can drive a balance negative.
 */
import { type Db, Prisma } from '../db/client.ts';
import { type Decimal, dbString, dec } from '../market/decimal.ts';
import type { MarketData } from '../market/market-data.ts';
import { mainQuote } from '../market/symbols.ts';
import type { Tx } from './transitions.ts';

const ZERO = dec(0);

/** The quote a paper account starts in when the venue's own cannot be read. */
export const PAPER_START_ASSET = 'USDT';

/**
 * Where a paper account keeps its cash: the venue's main quote (USDT on Binance and sim, USD on
 * Kraken), so "buy 0.01 btc" on BTC/USD is paid from USD, not from a USDT balance the venue cannot use.
 */
export async function paperQuote(market: MarketData): Promise<string> {
  return mainQuote(await market.markets());
}

export interface BalanceRow {
  readonly asset: string;
  readonly free: Decimal;
  readonly locked: Decimal;
}

/**
 * Credits the starting balance in `asset` the first time; later calls change nothing, also after a
 * switch to a venue quoted in another currency (an account is opened once, never topped up).
 */
export async function openPaperAccount(
  db: Db | Tx,
  userId: string,
  startBalance: number,
  asset: string = PAPER_START_ASSET,
): Promise<void> {
  if (await db.paperBalance.findFirst({ where: { userId }, select: { asset: true } })) return;
  await db.paperBalance.createMany({
    data: [{ userId, asset, free: dbString(dec(startBalance)) }],
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

/** Per asset, how much free and locked balance changes (negative: taken). */
export type BalanceChanges = Readonly<Record<string, { readonly free?: Decimal; readonly locked?: Decimal }>>;

/**
 * The CTEs of a settlement, to start a WITH clause: `change` (the rows), `current` (the touched balances,
 * locked), `verdict` (one row: `ok`, true when no balance would go below zero) and `applied` (the
 * changes, written only when `ok`). A statement may add writes of its own gated on `verdict`.
 */
export function settlementSql(userId: string, changes: BalanceChanges): Prisma.Sql {
  const rows = Object.entries(changes)
    .map(([asset, c]) => ({ asset, free: c.free ?? ZERO, locked: c.locked ?? ZERO }))
    .filter((c) => !c.free.isZero() || !c.locked.isZero());
  return Prisma.sql`
    change AS (
      SELECT * FROM unnest(${rows.map((r) => r.asset)}::text[], ${rows.map((r) => dbString(r.free))}::numeric[],
                           ${rows.map((r) => dbString(r.locked))}::numeric[]) AS c(asset, free, locked)
    ), current AS (
      SELECT b.asset, b.free, b.locked FROM "PaperBalance" b
      WHERE b."userId" = ${userId}::uuid AND b.asset IN (SELECT asset FROM change)
      FOR UPDATE
    ), verdict AS (
      SELECT COALESCE(bool_and(COALESCE(cur.free, 0) + c.free >= 0 AND COALESCE(cur.locked, 0) + c.locked >= 0), true) AS ok
      FROM change c LEFT JOIN current cur USING (asset)
    ), applied AS (
      INSERT INTO "PaperBalance" ("userId", asset, free, locked)
      SELECT ${userId}::uuid, asset, free, locked FROM change WHERE (SELECT ok FROM verdict)
      ON CONFLICT ("userId", asset) DO UPDATE
        SET free = "PaperBalance".free + EXCLUDED.free, locked = "PaperBalance".locked + EXCLUDED.locked
    )`;
}

/**
 * Applies all `changes` to a user's balances in one statement, or none of them when any balance would go
 * below zero (then false). The balances touched are locked until the transaction ends, so concurrent
 * settlements of the same user queue behind each other instead of both spending the same money.
 */
export async function settle(tx: Db | Tx, userId: string, changes: BalanceChanges): Promise<boolean> {
  const [result] = await tx.$queryRaw<{ ok: boolean }[]>`
    WITH ${settlementSql(userId, changes)}
    SELECT ok FROM verdict`;
  return result?.ok === true;
}
