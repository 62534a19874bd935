/**
 * The statistics of STRATEGY.md over closed signals, pure. One function serves the backtest, the
 * store's /v1/performance and the chat card, so the three always agree.
 *
 * Sharpe: mean ÷ sample standard deviation of the per-signal % returns (pnl as % of the equity at
 * entry), annualised by √(closed signals per year), the year measured over the period the signals
 * span (first signal's time to last exit). Exposure: % of that period with at least one signal open.
 */
import type { Stats } from './types.ts';

export interface ClosedTrade {
  /** Signal time and exit time, epoch ms. */
  readonly time: number;
  readonly exitTime: number;
  readonly r: number;
  readonly pnl: number;
  readonly pnlPct: number;
  /** Track-record equity when the signal opened. */
  readonly equityAtEntry: number;
}

const YEAR_MS = 365.25 * 86_400_000;

const mean = (xs: readonly number[]): number | null =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;

/**
 * `trades` in any order (sorted by exit time here); `openCount` counts signals still open.
 * `baseEquity` is the equity the curve starts from (the track record's start, or the equity at the
 * first trade when a range is asked for).
 */
export function computeStats(trades: readonly ClosedTrade[], openCount: number, baseEquity?: number): Stats {
  const byExit = [...trades].sort((a, b) => a.exitTime - b.exitTime || a.time - b.time);
  const start =
    baseEquity ?? (byExit.length ? [...byExit].sort((a, b) => a.time - b.time)[0]!.equityAtEntry : 0);
  const wins = byExit.filter((t) => t.pnl > 0);
  const losses = byExit.filter((t) => t.pnl <= 0);
  const grossWin = wins.reduce((a, t) => a + t.pnl, 0);
  const grossLoss = -losses.reduce((a, t) => a + t.pnl, 0);
  const netPnl = grossWin - grossLoss;

  let equity = start;
  let peak = start;
  let maxDd = 0;
  let streak = 0;
  let longest = 0;
  for (const t of byExit) {
    equity += t.pnl;
    if (equity > peak) peak = equity;
    if (peak > 0) maxDd = Math.max(maxDd, ((peak - equity) / peak) * 100);
    streak = t.pnl <= 0 ? streak + 1 : 0;
    longest = Math.max(longest, streak);
  }

  let sharpe: number | null = null;
  let exposurePct = 0;
  if (byExit.length) {
    const first = Math.min(...byExit.map((t) => t.time));
    const last = Math.max(...byExit.map((t) => t.exitTime));
    const span = last - first;
    const rets = byExit.map((t) => t.pnlPct);
    const m = mean(rets)!;
    if (rets.length > 1 && span > 0) {
      const sd = Math.sqrt(rets.reduce((a, x) => a + (x - m) ** 2, 0) / (rets.length - 1));
      sharpe = sd > 0 ? (m / sd) * Math.sqrt(rets.length / (span / YEAR_MS)) : null;
    }
    if (span > 0) {
      // Union of [time, exitTime] intervals, walked in entry order.
      const byEntry = [...byExit].sort((a, b) => a.time - b.time);
      let covered = 0;
      let curStart = byEntry[0]!.time;
      let curEnd = byEntry[0]!.exitTime;
      for (const t of byEntry.slice(1)) {
        if (t.time > curEnd) {
          covered += curEnd - curStart;
          curStart = t.time;
          curEnd = t.exitTime;
        } else if (t.exitTime > curEnd) curEnd = t.exitTime;
      }
      covered += curEnd - curStart;
      exposurePct = (covered / span) * 100;
    }
  }

  return {
    signals: byExit.length + openCount,
    closed: byExit.length,
    wins: wins.length,
    losses: losses.length,
    winRate: byExit.length ? wins.length / byExit.length : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    expectancyR: mean(byExit.map((t) => t.r)),
    avgWinPct: mean(wins.map((t) => t.pnlPct)),
    avgLossPct: mean(losses.map((t) => t.pnlPct)),
    avgWin: mean(wins.map((t) => t.pnl)),
    avgLoss: mean(losses.map((t) => t.pnl)),
    netPnl,
    returnPct: start > 0 ? ((start + netPnl) / start - 1) * 100 : 0,
    maxDrawdownPct: maxDd,
    sharpe,
    exposurePct,
    longestLosingStreak: longest,
  };
}
