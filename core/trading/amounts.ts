/**
 * Turning what a user (or the model) typed into exact decimals the market accepts. Every refusal is
 * ERR_INVALID_AMOUNT with a sentence the user can act on; nothing here rounds an amount silently.
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { formatAmount, formatPrice } from '../format/numbers.ts';
import type { Actor, ValidActor } from '../identity/types.ts';
import { Decimal, dec, isMultipleOf } from '../market/decimal.ts';
import type { MarketInfo } from '../market/market-data.ts';
import { stepDecimals } from '../market/precision.ts';
import { parseActor } from './deps.ts';

/**
 * A trading call's actor and request, both checked: the actor as `parseActor` does, the request against
 * `schema`; a request that does not fit is refused with the error `refuse` words from zod's issues.
 */
export function parseRequest<S extends z.ZodType>(
  actorInput: Actor,
  schema: S,
  request: unknown,
  refuse: (err: z.ZodError) => AppError,
): { readonly actor: ValidActor; readonly input: z.output<S> } {
  const actor = parseActor(actorInput);
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw refuse(parsed.error);
  return { actor, input: parsed.data };
}

/**
 * The two valid values around `value`: amounts trimmed as every reply writes them ("0.013 or 0.01301"),
 * prices in the market's own decimals as the venue quotes them ("60,000.0 or 60,000.1").
 */
function nearest(value: Decimal, step: string, kind: 'amount' | 'price'): string {
  const s = dec(step);
  const d = stepDecimals(step);
  const down = value.div(s).floor().mul(s);
  const up = down.add(s);
  const fmt = (v: Decimal) => (kind === 'price' ? formatPrice(v.toFixed(), d) : formatAmount(v.toFixed(d)));
  return down.gt(0) ? `${fmt(down)} or ${fmt(up)}` : fmt(up);
}

/** Larger than any real order; beyond it a number is a typo or an attack (1e309). */
const MAX_VALUE = new Decimal('1e15');

/** What people and models send for a number. NaN and ±Infinity pass here so they get the amount error. */
export const numberInput = z.union([
  z.custom<number>((v) => typeof v === 'number', 'must be a number'),
  z.string().trim().max(40),
]);
export type NumberInput = z.input<typeof numberInput>;

const invalid = (what: string, value: unknown, userMessage: string) =>
  new AppError('ERR_INVALID_AMOUNT', `invalid ${what}: ${String(value).slice(0, 40)}`, {
    userMessage,
    details: { what, value: String(value).slice(0, 40) },
  });

/** A strictly positive, finite, sane decimal; `what` names it in messages ("amount", "limit price"). */
export function positiveDecimal(value: NumberInput, what: string): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalid(what, value, `The ${what} must be a positive number.`);
  }
  const text = typeof value === 'number' ? String(value) : value;
  if (!/^(\d+(\.\d*)?|\.\d+)(e[-+]?\d{1,3})?$/i.test(text)) {
    throw invalid(what, value, `The ${what} must be a positive number.`);
  }
  const d = new Decimal(text);
  if (!d.isFinite() || d.lte(0)) throw invalid(what, value, `The ${what} must be more than zero.`);
  if (d.gt(MAX_VALUE)) throw invalid(what, value, `The ${what} is far too large.`);
  return d;
}

/** An order amount in base units that fits the market's step and limits at `price`. */
export function checkAmount(market: MarketInfo, amount: Decimal, price: Decimal): void {
  const step = dec(market.amountStep);
  if (!isMultipleOf(amount, step)) {
    throw invalid(
      'amount',
      amount.toFixed(),
      `${market.base} amounts on ${market.symbol} go in steps of ${formatAmount(market.amountStep)}: ${nearest(amount, market.amountStep, 'amount')} ${market.base}.`,
    );
  }
  if (market.minAmount && amount.lt(market.minAmount)) {
    throw invalid(
      'amount',
      amount.toFixed(),
      `The smallest ${market.symbol} order is ${formatAmount(market.minAmount)} ${market.base}.`,
    );
  }
  if (market.maxAmount && amount.gt(market.maxAmount)) {
    throw invalid(
      'amount',
      amount.toFixed(),
      `The largest ${market.symbol} order is ${formatAmount(market.maxAmount)} ${market.base}.`,
    );
  }
  if (market.minCost && amount.mul(price).lt(market.minCost)) {
    throw invalid(
      'amount',
      amount.toFixed(),
      `That order is worth less than the ${market.minCost} ${market.quote} minimum on ${market.symbol}.`,
    );
  }
}

/** A price that fits the market's tick size. */
export function checkPrice(market: MarketInfo, value: NumberInput, what: string): Decimal {
  const price = positiveDecimal(value, what);
  if (!isMultipleOf(price, dec(market.priceStep))) {
    throw invalid(
      what,
      value,
      `${market.symbol} prices go in steps of ${market.priceStep}: ${nearest(price, market.priceStep, 'price')} ${market.quote}.`,
    );
  }
  return price;
}

/** `value` rounded down to the market's amount step (for amounts derived from money or percentages). */
export function floorToAmountStep(market: MarketInfo, value: Decimal): Decimal {
  const step = dec(market.amountStep);
  return value.div(step).floor().mul(step);
}
