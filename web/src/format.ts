/**
 * How numbers and times read on the page: prices with the pair's precision, times in the viewer's
 * time zone and locale (Intl picks both up from the browser). Chat, charts and cards format through
 * core/format/numbers.ts in a fixed en-US instead; the page keeps its own because it follows the
 * viewer's locale, and that module brings decimal.js, which the bundle has no use for.
 */
import type { Signal } from './api/contract.ts';

/** Decimal places a number is written with (17944.2 → 1, 1e-7 → 7). */
export function decimals(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const s = String(n);
  const exp = /e-(\d+)$/.exec(s);
  if (exp) {
    const mantissa = s.slice(0, s.indexOf('e'));
    const dot = mantissa.indexOf('.');
    return Number(exp[1]) + (dot < 0 ? 0 : mantissa.length - dot - 1);
  }
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * The pair's price precision as its signals show it: the server rounds every price to the market's
 * precision (SIGNALS.md), so the most decimals any of them uses is that precision, trailing zeros aside.
 */
export function pairDigits(signals: readonly Signal[], pair: string, serverDigits?: number): number {
  if (serverDigits !== undefined) return serverDigits;
  let digits = 0;
  for (const s of signals) {
    if (s.pair !== pair) continue;
    digits = Math.max(digits, decimals(s.entry), decimals(s.stopLoss), decimals(s.takeProfit));
  }
  return Math.min(digits, 10);
}

const priceFormats = new Map<number, Intl.NumberFormat>();
export function formatPrice(n: number, digits: number): string {
  let f = priceFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    priceFormats.set(digits, f);
  }
  return f.format(n);
}

const signed = (n: number, digits: number) =>
  `${n > 0 ? '+' : n < 0 ? '−' : ''}${new Intl.NumberFormat(undefined, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Math.abs(n))}`;

export const formatR = (r: number | null | undefined): string => (r == null ? '–' : `${signed(r, 2)} R`);
export const formatPct = (p: number | null | undefined, digits = 2): string =>
  p == null ? '–' : `${signed(p, digits)} %`;
export const formatNumber = (n: number | null | undefined, digits = 2): string =>
  n == null || !Number.isFinite(n)
    ? '–'
    : new Intl.NumberFormat(undefined, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(n);
/** winRate arrives as a fraction (0.55) in the stats of SIGNALS.md. */
export const formatShare = (f: number | null | undefined): string =>
  f == null ? '–' : `${Math.round(f * 1000) / 10} %`;

/** Reward over risk: distance to the target over distance to the stop. */
export function riskReward(s: Pick<Signal, 'entry' | 'stopLoss' | 'takeProfit'>): number | undefined {
  const risk = Math.abs(s.entry - s.stopLoss);
  return risk > 0 ? Math.abs(s.takeProfit - s.entry) / risk : undefined;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
/** "3 min ago", "2 hr ago", "yesterday". */
export function age(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(0, 'second'); // "now"
  if (abs < 3_600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3_600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const formatDateTime = (t: string | number): string => dateTime.format(new Date(t));
export const formatClock = (t: number): string => clock.format(new Date(t));
export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
