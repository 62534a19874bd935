/** UTC time ticks at round boundaries (00:00, 06:00, month days), since Chart.js runs on linear x here. */
import { formatUtcDay, formatUtcTime } from './format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
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
  28 * DAY,
  56 * DAY,
];

/** The smallest round step giving at most `maxTicks` ticks over `span` ms. */
export function tickStep(span: number, maxTicks: number): number {
  return STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
}

/** Label for a tick: the date at midnight or for day-sized steps, the time otherwise. */
export function tickLabel(t: number, step: number): string {
  return step >= DAY || t % DAY === 0 ? formatUtcDay(t) : formatUtcTime(t);
}

/** Aligned tick times within [from, to]. Weekly steps align to Mondays. */
export function timeTicks(from: number, to: number, maxTicks: number): { step: number; ticks: number[] } {
  const step = tickStep(to - from, maxTicks);
  const offset = step >= 7 * DAY ? 4 * DAY : 0; // 1970-01-01 was a Thursday; +4 days = Monday
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

/** Indices of candles whose open time falls on a tick boundary (candles may have gaps). */
export function candleTicks(times: readonly number[], maxTicks: number): { step: number; indices: number[] } {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return { step: DAY, indices: [] };
  const step = tickStep(last - first, maxTicks);
  const offset = step >= 7 * DAY ? 4 * DAY : 0;
  const indices: number[] = [];
  let lastBucket = Number.NaN;
  times.forEach((t, i) => {
    const bucket = Math.floor((t - offset) / step);
    // First candle of each new bucket; skip the chart's first bucket unless it starts exactly on it.
    if (bucket !== lastBucket && (i > 0 || (t - offset) % step === 0)) indices.push(i);
    lastBucket = bucket;
  });
  return { step, indices };
}
