/** Which candles to draw around a signal: kept apart from the chart so the page can decide without it. */
import type { Bar, Signal } from '../api/contract.ts';

export const FIVE_MIN = 300_000;
/** Bars shown before the signal candle, and after its exit (or up to now while it is open). */
const BEFORE = 60;
const AFTER = 24;

/** The bars to draw around a signal; empty when the candles we have do not reach it. */
export function barsAround(bars: readonly Bar[], signal: Signal): Bar[] {
  const from = signal.candleTime - BEFORE * FIVE_MIN;
  const exitAt = signal.exit ? Date.parse(signal.exit.time) : undefined;
  const to = exitAt === undefined ? Number.POSITIVE_INFINITY : exitAt + AFTER * FIVE_MIN;
  const inRange = bars.filter((b) => b.t >= from && b.t <= to);
  return inRange.some((b) => b.t >= signal.candleTime) ? inRange : [];
}
