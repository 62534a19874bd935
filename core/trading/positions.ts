/**
 * Position book-keeping per user, mode and asset: quantity, average entry (excluding fees) and realised
 * PnL. Fees are realised losses when paid. The identity the property test checks:
 *   cash + quantity × avgEntry = start + Σ realised PnL   (up to the rounding of avgEntry)
 */
import { Decimal, dbString, dec } from '../market/decimal.ts';
import type { Tx } from './transitions.ts';

export interface FillForPosition {
  readonly userId: string;
  readonly mode: 'PAPER' | 'LIVE';
  readonly asset: string;
  readonly side: 'BUY' | 'SELL';
  readonly amount: Decimal;
  readonly price: Decimal;
  /** Fee paid in the quote currency. */
  readonly quoteFee: Decimal;
  /** Fee paid in the base asset (Binance buys): fewer coins arrive. */
  readonly baseFee: Decimal;
}

/** Applies a fill to the position and returns the PnL it realised (negative for fees and losses). */
export async function applyFillToPosition(tx: Tx, fill: FillForPosition): Promise<Decimal> {
  const [current] = await tx.$queryRaw<{ quantity: Decimal; avgEntry: Decimal; realizedPnl: Decimal }[]>`
    SELECT quantity, "avgEntry", "realizedPnl" FROM "Position"
    WHERE "userId" = ${fill.userId}::uuid AND mode = ${fill.mode}::"TradingMode" AND asset = ${fill.asset}
    FOR UPDATE`;
  const qty = dec(current?.quantity ?? 0);
  const avg = dec(current?.avgEntry ?? 0);
  let newQty: Decimal;
  let newAvg: Decimal;
  let realized: Decimal;
  if (fill.side === 'BUY') {
    const received = fill.amount.sub(fill.baseFee);
    newQty = qty.add(received);
    newAvg = newQty.isZero() ? new Decimal(0) : qty.mul(avg).add(received.mul(fill.price)).div(newQty);
    realized = fill.quoteFee.add(fill.baseFee.mul(fill.price)).neg();
  } else {
    // Coins held before we tracked them (live) have no known entry: only the tracked part realises PnL.
    const tracked = Decimal.min(fill.amount, qty);
    newQty = qty.sub(tracked);
    newAvg = newQty.isZero() ? new Decimal(0) : avg;
    realized = fill.price.sub(avg).mul(tracked).sub(fill.quoteFee);
  }
  const totalRealized = dec(current?.realizedPnl ?? 0).add(realized);
  await tx.$executeRaw`
    INSERT INTO "Position" ("userId", mode, asset, quantity, "avgEntry", "realizedPnl", "updatedAt")
    VALUES (${fill.userId}::uuid, ${fill.mode}::"TradingMode", ${fill.asset}, ${dbString(newQty)}::numeric,
            ${dbString(newAvg)}::numeric, ${dbString(totalRealized)}::numeric, now())
    ON CONFLICT ("userId", mode, asset) DO UPDATE SET quantity = EXCLUDED.quantity, "avgEntry" = EXCLUDED."avgEntry",
      "realizedPnl" = EXCLUDED."realizedPnl", "updatedAt" = now()`;
  return realized;
}
