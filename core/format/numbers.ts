/**
 * Numbers as people read them, one home for every surface that writes them in a fixed locale: chat
 * replies (core/agent/present), chart labels and alt text (charts/), signal reasons and cards
 * (core/signals, core/broadcast, bots/discord). Digits and grouping are en-US whatever the host's
 * locale, so a reply, a PNG or a stored reason never varies by machine. The web dashboard formats in
 * the viewer's own locale with Intl instead (web/src/format.ts).
 *
 * Inputs are numbers, or decimal strings where the value is exact (amounts and prices from the
 * trading core): those are rounded as decimals, never through a float.
 */
import { Decimal } from 'decimal.js';

/** The typographic minus (U+2212) of labels and signal texts; chat replies pass ASCII '-' where they sign. */
export const MINUS = '\u2212';

const GROUPS = /\B(?=(\d{3})+(?!\d))/g;

/** "1234567.5" → "1,234,567.5": groups the integer digits of a plain decimal string. */
export function groupThousands(fixed: string): string {
  const dot = fixed.indexOf('.');
  const int = dot < 0 ? fixed : fixed.slice(0, dot);
  const grouped = int.replace(GROUPS, ',');
  return dot < 0 ? grouped : `${grouped}${fixed.slice(dot)}`;
}

/** "0.500" → "0.5", "12.000" → "12"; a string without a decimal point is returned as is. */
export function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** `decimals` places, grouped; a negative value starts with `minus` ("−1,234.50"). */
export function formatNumber(value: number, decimals: number, minus = MINUS): string {
  const grouped = groupThousands(Math.abs(value).toFixed(decimals));
  return value < 0 ? `${minus}${grouped}` : grouped;
}

/** "+0.35", "−1.20", "+0.00": the sign always shown, for results and moves (R, bps); not grouped. */
export function signed(value: number, decimals: number): string {
  return `${value >= 0 ? '+' : MINUS}${Math.abs(value).toFixed(decimals)}`;
}

/** "+1.25%", "−0.50%", "0.00%": a change, plus for gains, nothing on zero; `minus` for losses. */
export function formatPercent(value: number, decimals = 2, minus = MINUS): string {
  return `${signedNumber(value, decimals, minus)}%`;
}

/** "+0.42", "−0.10", "0.00": like formatPercent without the unit (scores). */
export function signedNumber(value: number, decimals: number, minus = MINUS): string {
  return `${value > 0 ? '+' : ''}${formatNumber(value, decimals, minus)}`;
}

/**
 * Rounded for reading at a glance (signal and order cards): 2 decimals from `twoFrom` up, 4 from 1,
 * 8 below; grouped, trailing zeros dropped. 64123.456 → "64,123.46", 0.000012345 → "0.00001235".
 */
export function readable(value: number, twoFrom = 1000): string {
  return value.toLocaleString('en-US', {
    maximumFractionDigits: value >= twoFrom ? 2 : value >= 1 ? 4 : 8,
  });
}

// Exact rounding of decimal strings, half to even as the trading core rounds (core/market/decimal.ts).
const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpPos: 40 });

/** Decimals of a chat price by its size: 2 from 1000, 4 from 1, about four significant digits below. */
function chatPriceDecimals(abs: number): number {
  if (abs === 0 || abs >= 1000) return 2;
  if (abs >= 1) return 4;
  return Math.min(10, 4 - Math.floor(Math.log10(abs)));
}

/**
 * A price in chat: 64123.5 → "64,123.50"; 0.0001234 → "0.0001234". With `decimals` (the market's own,
 * from its price increment) exactly that many, so a price reads as the venue quotes it.
 */
export function formatPrice(value: number | string, decimals?: number): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (decimals !== undefined) return groupThousands(new Exact(String(value)).toFixed(decimals));
  const fixed = n.toFixed(chatPriceDecimals(Math.abs(n)));
  // Keep two decimals for money-sized numbers; trim the noise of tiny ones.
  return groupThousands(Math.abs(n) >= 1000 ? fixed : fixed.replace(/(\.\d\d\d*?)0+$/, '$1'));
}

/** A quantity: an exact decimal string kept as is (grouped, zeros trimmed), numbers to 8 decimals. */
export function formatAmount(value: number | string): string {
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return groupThousands(trimZeros(value));
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return groupThousands(trimZeros(n.toFixed(8)));
}

/** Money in a currency, two decimals: "1,234.50 USDT"; sub-cent amounts keep 3 significant digits. */
export function formatMoney(value: number | string, currency: string): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return `${value} ${currency}`;
  // Fees on tiny orders keep their significant digits instead of showing 0.00.
  const shown =
    Math.abs(n) < 0.01 && n !== 0 ? String(Number(n.toPrecision(3))) : groupThousands(n.toFixed(2));
  return `${shown} ${currency}`;
}

/** "+12.40 USDT", "-3.00 USDT". */
export function formatSignedMoney(value: number | string, currency: string): string {
  const n = typeof value === 'number' ? value : Number(value);
  return `${n > 0 ? '+' : ''}${formatMoney(n, currency)}`;
}

/** Compact number for the model: 6 significant digits are plenty to reason about prices. */
export function compact(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}

/** Decimals that keep about five significant digits for a price of this magnitude (chart labels). */
export function chartPriceDecimals(reference: number): number {
  const abs = Math.abs(reference);
  if (abs >= 10_000) return 1;
  if (abs >= 1_000) return 2;
  if (abs >= 1) return Math.max(2, 4 - Math.floor(Math.log10(abs)));
  if (abs === 0) return 2;
  return Math.min(10, 4 - Math.floor(Math.log10(abs)));
}

/** A chart label's price, with the decimals of `reference` (the chart's last close) for all of them. */
export function formatChartPrice(value: number, reference = value): string {
  return formatNumber(value, chartPriceDecimals(reference));
}

const UNITS: readonly (readonly [number, string])[] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 1234567 → "1.23M": volume and large money amounts on axes. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  for (const [size, suffix] of UNITS) {
    if (abs >= size) return `${formatNumber(value / size, abs / size >= 100 ? 0 : 2)}${suffix}`;
  }
  return formatNumber(value, abs >= 100 ? 0 : 2);
}
