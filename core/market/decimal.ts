/**
 * Decimal arithmetic for money. decimal.js defaults to 20 significant digits, too few for 18-place
 * balances of six-figure amounts, so we use our own clone with 60. Database columns are
 * Decimal(36,18): `dbString` rounds to that scale (towards zero) and never uses exponent notation.
 */
import { Decimal as DecimalJs } from 'decimal.js';

export const Decimal = DecimalJs.clone({ precision: 60, rounding: DecimalJs.ROUND_HALF_EVEN, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

export const DB_SCALE = 18;

/** Anything Prisma returns for a Decimal column (its own decimal.js instance), a string or a number. */
export function dec(value: { toString(): string } | string | number): Decimal {
  return new Decimal(typeof value === 'number' ? String(value) : value.toString());
}

/**
 * A decimal as a plain number, for drawing and display only (charts, chat lines, the model's tools):
 * the one place money leaves exact decimals, at a presenter's edge. Never feed the result back into a
 * money decision.
 */
export function displayNumber(value: Decimal): number {
  return value.toNumber();
}

/** A plain decimal string at database scale, e.g. "0.00012". */
export function dbString(value: Decimal): string {
  return value.toDecimalPlaces(DB_SCALE, Decimal.ROUND_DOWN).toFixed();
}

/** A step such as 1e-8 or "0.01" as a plain decimal string. */
export function stepString(step: number | string): string {
  return dec(step).toFixed();
}

/** True when `value` is a whole multiple of `step`. */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  return step.isZero() || value.mod(step).isZero();
}

/** `value` rounded to a multiple of `step` in the given direction. */
export function roundToStep(value: Decimal, step: Decimal, rounding: DecimalJs.Rounding): Decimal {
  if (step.isZero()) return value;
  return value.div(step).toDecimalPlaces(0, rounding).mul(step);
}
