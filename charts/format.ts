/** Number and UTC time formatting for labels and alt text. Fixed locale so output never varies by host. */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Decimals that keep about five significant digits for a price of this magnitude. */
export function priceDecimals(reference: number): number {
  const abs = Math.abs(reference);
  if (abs >= 10_000) return 1;
  if (abs >= 1_000) return 2;
  if (abs >= 1) return Math.max(2, 4 - Math.floor(Math.log10(abs)));
  if (abs === 0) return 2;
  return Math.min(10, 4 - Math.floor(Math.log10(abs)));
}

export function formatNumber(value: number, decimals: number): string {
  const sign = value < 0 ? '\u2212' : '';
  const fixed = Math.abs(value).toFixed(decimals);
  const [int = '0', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${frac}`;
}

export function formatPrice(value: number, reference = value): string {
  return formatNumber(value, priceDecimals(reference));
}

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

export function formatPercent(value: number, decimals = 2): string {
  const sign = value > 0 ? '+' : '';
  return `${sign}${formatNumber(value, decimals)}%`;
}

/** 1234567 -> "1.23M"; used for volume and large money amounts on axes. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${formatNumber(value / size, abs / size >= 100 ? 0 : 2)}${suffix}`;
  }
  return formatNumber(value, abs >= 100 ? 0 : 2);
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
