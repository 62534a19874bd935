/**
 * PnL periods as people type them, computed, not only described: "today", "week" and "month" are the
 * trading core's rolling windows; "year", "ytd", "30d", "this month", "since monday", "since march"
 * become a window with a start (UTC) that the core sums fills from. A period word is carried as text
 * (the intent and the command are plain data) and resolved against the clock only when it runs.
 */
import type { PnlPeriod, PnlWindow } from '../ports.ts';

const SAME: readonly (readonly [RegExp, PnlPeriod])[] = [
  [/^(today|daily|day|24h|24 ?hours?|last 24 hours|last day|this day)$/, 'day'],
  [/^(week|weekly|7d|1w|7 ?days?|last 7 days|last week|past week)$/, 'week'],
  [/^(month|monthly|30 ?days?|last 30 days|last month|past month)$/, 'month'],
  [
    /^(all|all[ -]?time|ever|total|overall|lifetime|everything|since (?:the )?(?:start|beginning)|since i started)$/,
    'all',
  ],
];

const DAY = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const UNIT_MS = { d: DAY, w: 7 * DAY, m: 30 * DAY, y: 365 * DAY } as const;
const UNIT_WORD = { d: 'day', w: 'week', m: 'month', y: 'year' } as const;

export const PNL_PERIODS_IN_WORDS =
  '"today", "week" (7 days), "month" (30 days), "ytd", "year" (365 days), "90d", "this month", "since monday" or "all"';

const midnight = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
const dayName = (ms: number) => {
  const d = new Date(ms);
  return `${SHORT_MONTHS[d.getUTCMonth()]![0]!.toUpperCase()}${SHORT_MONTHS[d.getUTCMonth()]!.slice(1)} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
};
const window = (since: number, label: string): PnlWindow => ({
  since: new Date(since),
  label: `${label} (since ${dayName(since)} UTC)`,
});

/** The start of a period word at `now`, or a fixed core window; undefined when the word is not a period. */
export function resolvePnlPeriod(word: string, now: Date): PnlPeriod | PnlWindow | undefined {
  const w = word.trim().toLowerCase();
  for (const [re, period] of SAME) if (re.test(w)) return period;
  const today = midnight(now);
  if (/^(ytd|year to date|this year)$/.test(w))
    return window(Date.UTC(now.getUTCFullYear(), 0, 1), 'year to date');
  if (/^(year|yearly|annual|1y|12 ?months?|365 ?d|last year|past year|last 12 months|last 365 days)$/.test(w))
    return window(now.getTime() - 365 * DAY, 'over the last 365 days');
  if (/^this week$/.test(w))
    return window(today - ((new Date(today).getUTCDay() + 6) % 7) * DAY, 'this week');
  if (/^this month$/.test(w))
    return window(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), 'this month');
  if (/^(quarter|this quarter|qtd)$/.test(w))
    return window(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1), 'this quarter');
  if (/^since yesterday$/.test(w)) return window(today - DAY, 'since yesterday');
  const n = /^(?:last |past )?(\d{1,4}) ?(d|days?|w|wks?|weeks?|m|mo|months?|y|yrs?|years?)$/.exec(w);
  if (n) {
    const count = Number(n[1]);
    const unit = n[2]![0] as keyof typeof UNIT_MS;
    if (count < 1 || count * UNIT_MS[unit] > 20 * 365 * DAY) return undefined;
    return window(
      now.getTime() - count * UNIT_MS[unit],
      `over the last ${count} ${UNIT_WORD[unit]}${count === 1 ? '' : 's'}`,
    );
  }
  const since = /^since (\w+)$/.exec(w)?.[1];
  if (since) {
    const wd = WEEKDAYS.findIndex((d) => d === since || d.slice(0, 3) === since);
    if (wd >= 0) {
      const back = (new Date(today).getUTCDay() - wd + 7) % 7;
      return window(today - back * DAY, `since ${WEEKDAYS[wd]![0]!.toUpperCase()}${WEEKDAYS[wd]!.slice(1)}`);
    }
    const mo = MONTHS.findIndex((m) => m === since || m.slice(0, 3) === since);
    if (mo >= 0) {
      // The most recent start of that month that is not in the future.
      const year = mo <= now.getUTCMonth() ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
      return window(Date.UTC(year, mo, 1), `since ${MONTHS[mo]![0]!.toUpperCase()}${MONTHS[mo]!.slice(1)}`);
    }
    if (/^(20\d\d)$/.test(since)) {
      const year = Number(since);
      if (year <= now.getUTCFullYear()) return window(Date.UTC(year, 0, 1), `since ${year}`);
    }
  }
  return undefined;
}

export type PeriodReading =
  | { readonly ok: true; readonly period?: string }
  | { readonly ok: false; readonly reply: string };

export function readPnlPeriod(raw: string): PeriodReading {
  const w = raw
    .trim()
    .toLowerCase()
    .replace(/^(for |over |in |the |my |pnl |profit |)+/, '')
    .replace(/[?.!]+$/, '')
    .trim();
  if (!w) return { ok: true };
  // Checked against today's clock only to know the words; the command resolves them when it runs.
  const resolved = resolvePnlPeriod(w, new Date());
  if (resolved !== undefined) return { ok: true, period: typeof resolved === 'string' ? resolved : w };
  return {
    ok: false,
    reply: `I don't know the period "${w.slice(0, 30)}". Ask for ${PNL_PERIODS_IN_WORDS}, e.g. "pnl ytd".`,
  };
}

/** The period words inside a longer sentence ("how did I do this month"), for the intent parser. */
export function findPnlPeriod(sentence: string): PeriodReading {
  const m =
    /\b(today|daily|24h|24 hours|this week|this month|this year|this quarter|year to date|ytd|qtd|since \w+|(?:last |past )?\d{1,4} ?(?:d|w|m|mo|y|days?|weeks?|months?|years?)|last (?:year|week|month|day|12 months|365 days|30 days|7 days|24 hours)|past (?:year|week|month)|day|week|weekly|month|monthly|quarter|year|yearly|annual|all[ -]time|ever|total|overall|lifetime)\b/.exec(
      sentence,
    );
  return m ? readPnlPeriod(m[1]!) : { ok: true };
}
