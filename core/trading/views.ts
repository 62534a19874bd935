/** Plain, exact views of orders for adapters, the agent and the API (decimal strings, lower-case enums). */
import { fromDbPlatform } from '../identity/types.ts';
import { dec } from '../market/decimal.ts';
import type { OrderId } from './ids.ts';
import type { OrderEventMessage } from './order-events.ts';
import type { OrderStatus } from './order-states.ts';
import type { OrderRow } from './transitions.ts';

export type Mode = 'paper' | 'live';
export type Side = 'buy' | 'sell';

export interface OrderView {
  readonly id: OrderId;
  readonly userId: string;
  readonly mode: Mode;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly status: OrderStatus;
  readonly amount: string;
  readonly filledAmount: string;
  readonly avgFillPrice?: string;
  readonly limitPrice?: string;
  readonly trigger?: { readonly direction: 'above' | 'below'; readonly price: string };
  readonly fee: string;
  readonly feeCurrency?: string;
  readonly quotedPrice?: string;
  readonly error?: string;
  /** A live order open at the exchange whose owner asked to cancel it: the worker is cancelling it there. */
  readonly cancelRequestedAt?: Date;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

const str = (v: { toString(): string } | null) => (v === null ? undefined : dec(v).toFixed());

export function orderView(o: OrderRow): OrderView {
  return {
    id: o.id as OrderId,
    userId: o.userId,
    mode: o.mode === 'LIVE' ? 'live' : 'paper',
    exchange: o.exchange,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type: o.type === 'LIMIT' ? 'limit' : 'market',
    status: o.status,
    amount: dec(o.amount).toFixed(),
    filledAmount: dec(o.filledAmount).toFixed(),
    avgFillPrice: str(o.avgFillPrice),
    limitPrice: str(o.limitPrice),
    trigger:
      o.triggerPrice && o.triggerDir
        ? { direction: o.triggerDir === 'ABOVE' ? 'above' : 'below', price: dec(o.triggerPrice).toFixed() }
        : undefined,
    fee: dec(o.fee).toFixed(),
    feeCurrency: o.feeCurrency ?? undefined,
    quotedPrice: str(o.quotedPrice),
    error: o.error ?? undefined,
    cancelRequestedAt: o.cancelRequestedAt ?? undefined,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
  };
}

type Simple = 'order.queued' | 'order.submitted' | 'order.cancelled';

/** The notification for an order that reached a new state. */
export function orderEvent(o: OrderRow, type: Simple): OrderEventMessage;
export function orderEvent(
  o: OrderRow,
  type: 'order.expired',
  extra: { message?: string },
): OrderEventMessage;
export function orderEvent(o: OrderRow, type: 'order.triggered', extra: { price: string }): OrderEventMessage;
export function orderEvent(
  o: OrderRow,
  type: 'order.rejected' | 'order.failed',
  extra: { code: string; message: string },
): OrderEventMessage;
export function orderEvent(o: OrderRow, type: 'order.filled' | 'order.partially_filled'): OrderEventMessage;
export function orderEvent(
  o: OrderRow,
  type: OrderEventMessage['type'],
  extra: Record<string, string> = {},
): OrderEventMessage {
  const base = {
    orderId: o.id,
    userId: o.userId,
    platform: fromDbPlatform(o.platform),
    chatId: o.chatId,
    mode: o.mode === 'LIVE' ? 'live' : 'paper',
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    amount: dec(o.amount).toFixed(),
    at: new Date().toISOString(),
  } as const;
  if (type === 'order.filled' || type === 'order.partially_filled') {
    return {
      ...base,
      type,
      filledAmount: dec(o.filledAmount).toFixed(),
      avgPrice: dec(o.avgFillPrice ?? 0).toFixed(),
      fee: dec(o.fee).toFixed(),
      feeCurrency: o.feeCurrency ?? '',
    };
  }
  return { ...base, type, ...extra } as OrderEventMessage;
}
