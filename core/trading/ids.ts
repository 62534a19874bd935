/** Branded ids of the trading domain, and the exchange client order id derived from an order id. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

declare const orderIdBrand: unique symbol;
export type OrderId = string & { readonly [orderIdBrand]: true };

export const orderIdSchema = z.uuid().transform((v) => v as OrderId);

export function newOrderId(): OrderId {
  return randomUUID() as OrderId;
}

/**
 * The client order id the exchange sees: the order id's 32 hex digits. Deterministic, so every retry
 * and every worker names the same order; it fits Binance (≤ 36 of [A-Za-z0-9_-]) and Kraken's
 * `cl_ord_id` (a 32-hex UUID form).
 */
export function clientOrderIdFor(orderId: OrderId | string): string {
  return orderId.replace(/-/g, '').toLowerCase();
}
