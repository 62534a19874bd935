/** Rejects requests that would draw nonsense or oversized images, with a message fit to show a user. */
import type { ChartRequest } from './types.ts';

export class ChartInputError extends Error {
  override readonly name = 'ChartInputError';
}

/** Bounds keep PNGs far below Discord's 10 MiB upload and Telegram's photo limits (10 MB, w+h <= 10000). */
export const LIMITS = {
  minSide: 320,
  maxSide: 2400,
  maxCandles: 1000,
  maxPoints: 5000,
  maxPeriod: 500,
} as const;

function check(ok: boolean, message: string): void {
  if (!ok) throw new ChartInputError(message);
}

const finite = (...values: number[]): boolean => values.every(Number.isFinite);

export function validateRequest(req: ChartRequest): void {
  if (req.size) {
    const { width, height } = req.size;
    check(Number.isInteger(width) && Number.isInteger(height), 'Chart size must be whole pixels.');
    check(
      [width, height].every((s) => s >= LIMITS.minSide && s <= LIMITS.maxSide),
      `Chart size must be between ${LIMITS.minSide} and ${LIMITS.maxSide} pixels per side.`,
    );
  }
  switch (req.kind) {
    case 'candlestick': {
      check(req.candles.length > 0, 'No candles to chart.');
      check(req.candles.length <= LIMITS.maxCandles, `At most ${LIMITS.maxCandles} candles per chart.`);
      check(
        req.candles.every((c) => finite(c.t, c.o, c.h, c.l, c.c, c.v) && c.h >= c.l),
        'Candles contain invalid numbers.',
      );
      check(
        req.candles.every((c, i) => i === 0 || c.t > req.candles[i - 1]!.t),
        'Candles must be in increasing time order.',
      );
      const periods = [
        ...(req.overlays ?? []).map((o) => ('period' in o ? o.period : undefined)),
        ...(req.panes ?? []).flatMap((p) => (p.kind === 'rsi' ? [p.period] : [p.fast, p.slow, p.signal])),
      ].filter((p): p is number => p !== undefined);
      check(
        periods.every((p) => Number.isInteger(p) && p >= 1 && p <= LIMITS.maxPeriod),
        `Indicator periods must be whole numbers from 1 to ${LIMITS.maxPeriod}.`,
      );
      const levels = Object.values(req.levels ?? {}).filter((v) => v !== undefined);
      check(finite(...levels) && levels.every((v) => v > 0), 'Signal levels must be positive prices.');
      check(
        req.avgEntry === undefined || (finite(req.avgEntry) && req.avgEntry > 0),
        'The average entry must be a positive price.',
      );
      break;
    }
    case 'equity':
      check(req.points.length > 0, 'No equity points to chart.');
      check(req.points.length <= LIMITS.maxPoints, `At most ${LIMITS.maxPoints} equity points per chart.`);
      check(
        req.points.every((p, i) => finite(p.t, p.equity) && (i === 0 || p.t > req.points[i - 1]!.t)),
        'Equity points must be finite and in increasing time order.',
      );
      break;
    case 'allocation':
      check(
        req.slices.some((s) => s.value > 0) && req.slices.every((s) => finite(s.value) && s.value >= 0),
        'Allocation needs positive holdings.',
      );
      break;
  }
}
