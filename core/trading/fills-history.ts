/**
 * The user's fills in a mode, oldest first: what the chat draws on a candlestick and what it replays to
 * rebuild the account's equity over time. Read-only; amounts stay exact decimal strings.
 */
import type { Db } from '../db/client.ts';
import { dec } from '../market/decimal.ts';
import type { Mode } from './views.ts';

export interface FillRecord {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly amount: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly at: Date;
}

export async function userFills(
  db: Db,
  userId: string,
  mode: Mode,
  filter: { readonly symbol?: string; readonly limit: number },
): Promise<FillRecord[]> {
  const rows = await db.fill.findMany({
    where: {
      order: {
        userId,
        mode: mode === 'live' ? 'LIVE' : 'PAPER',
        ...(filter.symbol ? { symbol: filter.symbol } : {}),
      },
    },
    include: { order: { select: { symbol: true, side: true } } },
    // The newest `limit`, returned oldest first.
    orderBy: [{ at: 'desc' }, { id: 'asc' }],
    take: Math.max(1, Math.min(filter.limit, 5000)),
  });
  return rows.reverse().map((f) => ({
    symbol: f.order.symbol,
    side: f.order.side === 'BUY' ? 'buy' : 'sell',
    price: dec(f.price).toFixed(),
    amount: dec(f.amount).toFixed(),
    fee: dec(f.fee).toFixed(),
    feeCurrency: f.feeCurrency,
    at: f.at,
  }));
}
