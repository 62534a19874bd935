/**
 * UTC time formatting and axis steps for labels and alt text. Fixed locale so output never varies by
 * host. Numbers (prices, percentages, compact amounts) are core/format/numbers.ts's, as everywhere.
 */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Decimals needed to print multiples of `step` exactly (2000 -> 0, 0.5 -> 1, 0.25 -> 2). */
export function stepDecimals(step: number): number {
  const text = String(Number(Math.abs(step).toPrecision(6)));
  if (text.includes('e-')) return Math.min(10, Number(text.split('e-')[1]) + 1);
  return text.split('.')[1]?.length ?? 0;
}

/** Largest 1/2/2.5/5 x 10^n not above `value` (> 0): round gridline values. */
export function niceFloor(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const nice = [5, 2.5, 2, 1].find((m) => m * magnitude <= value) ?? 1;
  return nice * magnitude;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatUtcDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

export function formatUtcTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function formatUtcDateTime(ms: number): string {
  return `${formatUtcDay(ms)} ${formatUtcTime(ms)}`;
}

/** "Nov 20 08:00 – Nov 21 15:00 UTC"; dates only when both ends are midnight (daily bars). */
export function formatUtcRange(from: number, to: number): string {
  const midnight = (ms: number): boolean => ms % 86_400_000 === 0;
  const fmt = midnight(from) && midnight(to) ? formatUtcDay : formatUtcDateTime;
  const yearOf = (ms: number): number => new Date(ms).getUTCFullYear();
  // Both years when the range crosses one: "Dec 2 2025 – Jan 5 2026 UTC", never two bare dates.
  if (yearOf(from) !== yearOf(to)) {
    const withYear = (ms: number) => {
      const s = fmt(ms);
      const day = formatUtcDay(ms);
      return `${day} ${yearOf(ms)}${s.slice(day.length)}`;
    };
    return `${withYear(from)} \u2013 ${withYear(to)} UTC`;
  }
  return `${fmt(from)} \u2013 ${fmt(to)} ${yearOf(to)} UTC`;
}
