/**
 * PnL periods as people type them. The trading core reports four windows: the last 24 hours, 7 days,
 * 30 days, and everything. Words that mean one of them are read as it; words for another window
 * ("year", "ytd", "since monday") are recognised and answered in words with the windows that exist,
 * never silently widened or narrowed.
 */
import type { PnlPeriod } from '../ports.ts';

const SAME: readonly (readonly [RegExp, PnlPeriod])[] = [
  [/^(today|daily|day|1d|24h|24 ?hours?|last 24 hours|last day|this day)$/, 'day'],
  [/^(week|weekly|7d|1w|7 ?days?|last 7 days|last week|past week)$/, 'week'],
  [/^(month|monthly|30d|30 ?days?|1m|last 30 days|last month|past month)$/, 'month'],
  [
    /^(all|all[ -]?time|ever|total|overall|lifetime|everything|since (?:the )?(?:start|beginning)|since i started)$/,
    'all',
  ],
];

/** Windows a person may ask for that the core does not keep. */
const OTHER =
  /^(year|yearly|annual|ytd|year to date|this year|last year|12 ?months?|1y|365d|quarter|q[1-4]|90d|3 ?months?|this week|this month|since \w+|\d+ ?[dwmy]|\d+ (?:days?|weeks?|months?|years?))$/;

export const PNL_PERIODS_IN_WORDS =
  '"today" (last 24 hours), "week" (last 7 days), "month" (last 30 days) or "all" (since you started)';

export type PeriodReading =
  | { readonly ok: true; readonly period?: PnlPeriod }
  | { readonly ok: false; readonly reply: string };

export function readPnlPeriod(raw: string): PeriodReading {
  const w = raw
    .trim()
    .toLowerCase()
    .replace(/^(for |over |in |the |my |pnl |profit |)+/, '')
    .replace(/[?.!]+$/, '')
    .trim();
  if (!w) return { ok: true };
  for (const [re, period] of SAME) if (re.test(w)) return { ok: true, period };
  const known = OTHER.test(w);
  return {
    ok: false,
    reply: `${known ? `I keep PnL for fixed windows, not for "${w}"` : `I don't know the period "${w.slice(0, 30)}"`}. Ask for ${PNL_PERIODS_IN_WORDS}, e.g. "pnl month".`,
  };
}

/** The period words inside a longer sentence ("how did I do this month"), for the intent parser. */
export function findPnlPeriod(sentence: string): PeriodReading {
  const m =
    /\b(today|daily|24h|24 hours|day|week|weekly|7 days|7d|month|monthly|30 days|30d|all[ -]time|ever|total|overall|since (?:the )?start|lifetime|year|yearly|ytd|year to date|quarter|since \w+|\d+ ?[dwmy]\b|\d+ (?:days?|weeks?|months?|years?))\b/.exec(
      sentence,
    );
  return m ? readPnlPeriod(m[1]!) : { ok: true };
}
