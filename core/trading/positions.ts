/**
 * Position book-keeping per user, mode and asset: quantity, average entry (excluding fees) and realised
 * PnL. Fees are realised losses when paid. The identity the property test checks:
 *   cash + quantity × avgEntry = start + Σ realised PnL   (up to the rounding of avgEntry)
 *
 * A fill locks its position row first (creating an empty one the first time), computes the next state
 * here, then writes it with the Fill row in one statement; two fills of the same asset therefore never
 * start from the same state.
 */
import { randomUUID } from 'node:crypto';
import { Prisma } from '../db/client.ts';
import { Decimal, dbString, dec } from '../market/decimal.ts';
import type { Tx } from './transitions.ts';

export interface PositionKey {
  readonly userId: string;
  readonly mode: 'PAPER' | 'LIVE';
  readonly asset: string;
}

export interface PositionState {
  readonly quantity: Decimal;
  readonly avgEntry: Decimal;
  readonly realizedPnl: Decimal;
}

export interface FillForPosition extends PositionKey {
  readonly side: 'BUY' | 'SELL';
  readonly amount: Decimal;
  readonly price: Decimal;
  /** Fee paid in the quote currency. */
  readonly quoteFee: Decimal;
  /** Fee paid in the base asset (Binance buys): fewer coins arrive. */
  readonly baseFee: Decimal;
}

/** The row a fill leaves in the Fill table. */
export interface FillRecord {
  readonly orderId: string;
  readonly tradeId: string;
  /** The fee as charged, in `feeCurrency`. */
  readonly fee: Decimal;
  readonly feeCurrency: string;
}

/** A position's key as SQL expressions: parameters, or the columns of a row the statement reads. */
export interface PositionKeySql {
  readonly userId: Prisma.Sql;
  readonly mode: Prisma.Sql;
  readonly asset: Prisma.Sql;
  /** The FROM the expressions read from (e.g. a locked order); nothing is locked when it has no row. */
  readonly from?: Prisma.Sql;
}

export function positionKeySql(key: PositionKey): PositionKeySql {
  return {
    userId: Prisma.sql`${key.userId}::uuid`,
    mode: Prisma.sql`${key.mode}::"TradingMode"`,
    asset: Prisma.sql`${key.asset}`,
  };
}

/**
 * A statement fragment (a CTE body) that locks the position row, creating an empty one when there is
 * none, and returns its current quantity, avgEntry and realizedPnl. The no-op update is what takes the
 * lock on an existing row and returns its latest committed version.
 */
export function lockedPositionSql(key: PositionKeySql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Position" ("userId", mode, asset, quantity, "avgEntry", "realizedPnl", "updatedAt")
    SELECT ${key.userId}, ${key.mode}, ${key.asset}, 0, 0, 0, now() AT TIME ZONE 'UTC' ${key.from ? Prisma.sql`FROM ${key.from}` : Prisma.empty}
    ON CONFLICT ("userId", mode, asset) DO UPDATE SET quantity = "Position".quantity
    RETURNING quantity, "avgEntry", "realizedPnl"`;
}

/** Locks (and if needed opens) the position for the rest of the transaction; returns its state. */
export async function lockPosition(tx: Tx, key: PositionKey): Promise<PositionState> {
  const [row] = await tx.$queryRaw<{ quantity: Decimal; avgEntry: Decimal; realizedPnl: Decimal }[]>`
    WITH position AS (${lockedPositionSql(positionKeySql(key))}) SELECT * FROM position`;
  return positionState(row);
}

export function positionState(
  row: { quantity: unknown; avgEntry: unknown; realizedPnl: unknown } | undefined,
): PositionState {
  return {
    quantity: dec(String(row?.quantity ?? 0)),
    avgEntry: dec(String(row?.avgEntry ?? 0)),
    realizedPnl: dec(String(row?.realizedPnl ?? 0)),
  };
}

/** The position after `fill`, and the PnL the fill realised (negative for fees and losses). */
export function positionAfterFill(
  current: PositionState,
  fill: FillForPosition,
): { readonly next: PositionState; readonly realized: Decimal } {
  const { quantity: qty, avgEntry: avg } = current;
  let quantity: Decimal;
  let avgEntry: Decimal;
  let realized: Decimal;
  if (fill.side === 'BUY') {
    const received = fill.amount.sub(fill.baseFee);
    quantity = qty.add(received);
    avgEntry = quantity.isZero() ? new Decimal(0) : qty.mul(avg).add(received.mul(fill.price)).div(quantity);
    realized = fill.quoteFee.add(fill.baseFee.mul(fill.price)).neg();
  } else {
    // Coins held before we tracked them (live) have no known entry: only the tracked part realises PnL.
    const tracked = Decimal.min(fill.amount, qty);
    quantity = qty.sub(tracked);
    avgEntry = quantity.isZero() ? new Decimal(0) : avg;
    realized = fill.price.sub(avg).mul(tracked).sub(fill.quoteFee);
  }
  return { next: { quantity, avgEntry, realizedPnl: current.realizedPnl.add(realized) }, realized };
}

/**
 * The CTEs (`position`, `fill`) that book a fill against a position locked by this transaction
 * (`current`, from `lockPosition` or the execution risk check): the new position and the Fill row,
 * written only when `when` holds (a settlement's verdict, say). Also returns the PnL it realises.
 */
export function fillSql(
  fill: FillForPosition,
  record: FillRecord,
  current: PositionState,
  when: Prisma.Sql = Prisma.sql`true`,
): { readonly ctes: Prisma.Sql; readonly realized: Decimal } {
  const { next, realized } = positionAfterFill(current, fill);
  const ctes = Prisma.sql`
    position AS (
      INSERT INTO "Position" ("userId", mode, asset, quantity, "avgEntry", "realizedPnl", "updatedAt")
      SELECT ${fill.userId}::uuid, ${fill.mode}::"TradingMode", ${fill.asset}, ${dbString(next.quantity)}::numeric,
             ${dbString(next.avgEntry)}::numeric, ${dbString(next.realizedPnl)}::numeric, now() AT TIME ZONE 'UTC'
      WHERE ${when}
      ON CONFLICT ("userId", mode, asset) DO UPDATE SET quantity = EXCLUDED.quantity, "avgEntry" = EXCLUDED."avgEntry",
        "realizedPnl" = EXCLUDED."realizedPnl", "updatedAt" = EXCLUDED."updatedAt"
    ), fill AS (
      INSERT INTO "Fill" (id, "orderId", "tradeId", price, amount, fee, "feeCurrency", "realizedPnl")
      SELECT ${randomUUID()}::uuid, ${record.orderId}::uuid, ${record.tradeId}, ${dbString(fill.price)}::numeric,
             ${dbString(fill.amount)}::numeric, ${dbString(record.fee)}::numeric, ${record.feeCurrency},
             ${dbString(realized)}::numeric
      WHERE ${when}
    )`;
  return { ctes, realized };
}

/** Books a fill against a position locked by this transaction, in one statement; returns the realised PnL. */
export async function recordFill(
  tx: Tx,
  fill: FillForPosition,
  record: FillRecord,
  current: PositionState,
): Promise<Decimal> {
  const { ctes, realized } = fillSql(fill, record, current);
  await tx.$executeRaw`WITH ${ctes} SELECT 1`;
  return realized;
}
