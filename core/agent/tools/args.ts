/** Argument schemas shared by several tools and commands. Strict: unknown fields are an error, not ignored. */
import { z } from 'zod';
import { TIMEFRAMES } from '../../market/types.ts';

/**
 * A market as a user names it: "BTC", "eth", "ETH/USDT", "btc-usd". Tight on purpose: anything else
 * (sentences, markup, instructions hidden in a "symbol") is rejected before any service sees it.
 */
export const symbolArg = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{2,12}([/-][A-Za-z0-9]{2,12})?$/, 'must be a market symbol such as BTC or ETH/USDT')
  .describe('Market symbol, e.g. "BTC", "ETH" or "ETH/USDT"');

export const positiveNumber = z.coerce.number().finite().positive();

export const timeframeArg = z.enum(TIMEFRAMES).describe('Candle timeframe');

export const overlayArg = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ema'), period: z.number().int().min(2).max(400) }).strict(),
  z.object({ kind: z.literal('sma'), period: z.number().int().min(2).max(400) }).strict(),
  z.object({ kind: z.literal('bollinger') }).strict(),
  z.object({ kind: z.literal('vwap') }).strict(),
]);

export const paneArg = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rsi'), period: z.number().int().min(2).max(100).optional() }).strict(),
  z.object({ kind: z.literal('macd') }).strict(),
]);

/** Any indicator, for tools that only compute values (one flat list for the model). */
export const indicatorArg = z.discriminatedUnion('kind', [...overlayArg.options, ...paneArg.options]);

/** An order id or a unique prefix of one (at least 4 hex characters), or "last". */
export const orderRefArg = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(last|[0-9a-f]{4}[0-9a-f-]{0,32})$/, 'must be an order id (or its first characters) or "last"')
  .describe('Order id, its first 8 characters, or "last" for the most recent open order');
