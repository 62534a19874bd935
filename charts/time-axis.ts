/**
 * UTC time ticks at round boundaries (00:00, 06:00, month days, month starts), since Chart.js runs on
 * linear x here. Labels carry the year whenever the axis crosses one, so a chart spanning years never
 * shows two "Jan 1" ticks that mean different dates.
 */
import { formatUtcDay, formatUtcTime, MONTHS } from './format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A calendar month for step arithmetic; month steps are then aligned to real month starts. */
const MONTH = 30 * DAY;
const STEPS = [
  5 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  MONTH,
  2 * MONTH,
  3 * MONTH,
  6 * MONTH,
  12 * MONTH,
  24 * MONTH,
  60 * MONTH,
];

const months = (step: number): number => Math.round(step / MONTH);
const isMonthStep = (step: number): boolean => step >= MONTH;
const yearOf = (t: number): number => new Date(t).getUTCFullYear();

/** The smallest round step giving at most `maxTicks` ticks over `span` ms. */
export function tickStep(span: number, maxTicks: number): number {
  return STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / MONTH / 12) * 12 * MONTH;
}

/** Which tick bucket `t` falls in: calendar months for month steps, Monday-aligned weeks, plain ms otherwise. */
function bucketOf(t: number, step: number): number {
  if (isMonthStep(step)) {
    const d = new Date(t);
    return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / months(step));
  }
  const offset = step >= 7 * DAY ? 4 * DAY : 0; // 1970-01-01 was a Thursday; +4 days = Monday
  return Math.floor((t - offset) / step);
}

function bucketStart(bucket: number, step: number): number {
  if (isMonthStep(step)) {
    const m = bucket * months(step);
    return Date.UTC(Math.floor(m / 12), m % 12, 1);
  }
  const offset = step >= 7 * DAY ? 4 * DAY : 0;
  return bucket * step + offset;
}

/**
 * Label for a tick: "Mar 2026" for month steps, the date at midnight or for day-sized steps, the time
 * otherwise. `withYear` adds the year to a date ("Jan 3 2027"); tickLabels sets it where the year changes.
 */
export function tickLabel(t: number, step: number, withYear = false): string {
  if (isMonthStep(step)) {
    const d = new Date(t);
    return months(step) >= 12
      ? String(d.getUTCFullYear())
      : `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  }
  const dated = step >= DAY || t % DAY === 0;
  if (!dated) return formatUtcTime(t);
  return withYear ? `${formatUtcDay(t)} ${yearOf(t)}` : formatUtcDay(t);
}

/**
 * Labels for ticks at `times` over an axis from `from` to `to`: when the axis crosses a year, the
 * first dated tick and the first dated tick of each new year carry the year.
 */
export function tickLabels(times: readonly number[], step: number, from: number, to: number): string[] {
  const spansYears = yearOf(from) !== yearOf(to);
  let shownYear: number | undefined;
  return times.map((t) => {
    const dated = isMonthStep(step) || step >= DAY || t % DAY === 0;
    const withYear = spansYears && dated && yearOf(t) !== shownYear;
    if (withYear) shownYear = yearOf(t);
    return tickLabel(t, step, withYear);
  });
}

/** Aligned tick times within [from, to]. Weekly steps align to Mondays, month steps to month starts. */
export function timeTicks(from: number, to: number, maxTicks: number): { step: number; ticks: number[] } {
  const step = tickStep(to - from, maxTicks);
  const ticks: number[] = [];
  let bucket = bucketOf(from, step);
  if (bucketStart(bucket, step) < from) bucket++;
  for (let t = bucketStart(bucket, step); t <= to; t = bucketStart(++bucket, step)) ticks.push(t);
  return { step, ticks };
}

/** Indices of candles whose open time falls on a tick boundary (candles may have gaps). */
export function candleTicks(times: readonly number[], maxTicks: number): { step: number; indices: number[] } {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return { step: DAY, indices: [] };
  const step = tickStep(last - first, maxTicks);
  const indices: number[] = [];
  let lastBucket = Number.NaN;
  times.forEach((t, i) => {
    const bucket = bucketOf(t, step);
    // First candle of each new bucket; skip the chart's first bucket unless it starts exactly on it.
    if (bucket !== lastBucket && (i > 0 || bucketStart(bucket, step) === t)) indices.push(i);
    lastBucket = bucket;
  });
  return { step, indices };
}

/** "45 minutes", "7 hours", "8 days", "5 months", "3.8 years": what a header's percentage covers. */
export function formatSpan(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms < 2 * HOUR) return unit(Math.max(1, Math.round(ms / MIN)), 'minute');
  if (ms < 2 * DAY) return unit(Math.round(ms / HOUR), 'hour');
  if (ms < 90 * DAY) return unit(Math.round(ms / DAY), 'day');
  if (ms < 24 * MONTH) return unit(Math.round(ms / MONTH), 'month');
  return `${(ms / (365.25 * DAY)).toFixed(1)} years`;
}
