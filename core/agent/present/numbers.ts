/**
 * Numbers as chat shows them: prices with the decimals their size needs, quantities without trailing
 * zeros, thousands grouped. Inputs may be decimal strings (exact values from the trading core) or numbers.
 */

import { dec, groupThousands } from '../../market/decimal.ts';
import { priceStepOf, stepDecimals } from '../../market/precision.ts';

const toNumber = (v: number | string) => (typeof v === 'number' ? v : Number(v));

function decimalsFor(abs: number): number {
  if (abs === 0) return 2;
  if (abs >= 1000) return 2;
  if (abs >= 1) return 4;
  return Math.min(10, 2 - Math.floor(Math.log10(abs)) + 2);
}

const group = groupThousands;

/**
 * 64123.5 → "64,123.50"; 0.0001234 → "0.0001234". With `symbol`, the decimals are that market's own
 * (its price increment), so a price reads as the venue quotes it.
 */
export function formatPrice(value: number | string, symbol?: string): string {
  const n = toNumber(value);
  if (!Number.isFinite(n)) return String(value);
  const step = symbol ? priceStepOf(symbol) : undefined;
  if (step) return group(dec(value).toFixed(stepDecimals(step)));
  const d = decimalsFor(Math.abs(n));
  const fixed = n.toFixed(d);
  // Keep two decimals for money-sized numbers; trim the noise of tiny ones.
  return group(Math.abs(n) >= 1000 ? fixed : fixed.replace(/(\.\d\d\d*?)0+$/, '$1'));
}

/** A quantity: exact decimal string kept as is (grouped), numbers trimmed to 8 decimals. */
export function formatAmount(value: number | string): string {
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
    const trimmed = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
    return group(trimmed);
  }
  const n = toNumber(value);
  if (!Number.isFinite(n)) return String(value);
  return group(n.toFixed(8).replace(/0+$/, '').replace(/\.$/, ''));
}

/** Money in a currency, two decimals: "1,234.50 USDT". */
export function formatMoney(value: number | string, currency: string): string {
  const n = toNumber(value);
  if (!Number.isFinite(n)) return `${value} ${currency}`;
  // Sub-cent amounts (fees on tiny orders) keep their significant digits instead of showing 0.00.
  const shown = Math.abs(n) < 0.01 && n !== 0 ? String(Number(n.toPrecision(3))) : group(n.toFixed(2));
  return `${shown} ${currency}`;
}

export function formatSignedMoney(value: number | string, currency: string): string {
  const n = toNumber(value);
  return `${n > 0 ? '+' : ''}${formatMoney(n, currency)}`;
}

export function formatPercent(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}%`;
}

/** Compact number for the model: 6 significant digits are plenty to reason about prices. */
export function compact(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}
