/** Timeframes ("1h", "hourly", "4 hours") and indicators ("ema 20/50", "rsi", "bollinger") in a chart request. */

import type { Timeframe } from '../../market/types.ts';
import type { LowerPane, Overlay } from '../ports.ts';
import { dict } from './dict.ts';

const TF_WORDS = dict<Timeframe>({
  hourly: '1h',
  daily: '1d',
  weekly: '1w',
  day: '1d',
  week: '1w',
  hour: '1h',
  minute: '1m',
  h1: '1h',
  h4: '4h',
  d1: '1d',
  w1: '1w',
  m1: '1m',
  m5: '5m',
  m15: '15m',
  m30: '30m',
});

const UNIT = dict<'m' | 'h' | 'd' | 'w'>({
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  week: 'w',
  weeks: 'w',
});

const CANONICAL = dict<Timeframe>({
  '1m': '1m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '60m': '1h',
  '1h': '1h',
  '4h': '4h',
  '240m': '4h',
  '24h': '1d',
  '1d': '1d',
  '7d': '1w',
  '1w': '1w',
});

export type TimeframeMatch =
  | { readonly timeframe: Timeframe; readonly used: number }
  | { readonly unsupported: string; readonly used: number };

/** Reads a timeframe starting at tokens[i]: "1h", "4 hours", "hourly", "15min". */
export function readTimeframe(tokens: readonly string[], i: number): TimeframeMatch | undefined {
  const t = tokens[i]!;
  if (TF_WORDS[t]) return { timeframe: TF_WORDS[t], used: 1 };
  let m = /^(\d{1,3})([a-z]+)$/.exec(t);
  let used = 1;
  if (!m && /^\d{1,3}$/.test(t) && tokens[i + 1] && UNIT[tokens[i + 1]!]) {
    m = ['', t, tokens[i + 1]!] as unknown as RegExpExecArray;
    used = 2;
  }
  if (!m || !UNIT[m[2]!]) return undefined;
  const key = `${Number(m[1])}${UNIT[m[2]!]}`;
  const tf = CANONICAL[key];
  return tf ? { timeframe: tf, used } : { unsupported: key, used };
}

export interface IndicatorMatch {
  readonly overlays: readonly Overlay[];
  readonly panes: readonly LowerPane[];
  readonly used: number;
  /** A period the chart cannot draw ("SMA 600"): said back to the user, never replaced by a default. */
  readonly refused?: string;
}

/** The periods each indicator can be drawn with (the chart tools' schemas allow the same). */
const PERIOD_RANGE = { ema: [2, 400], sma: [2, 400], rsi: [2, 100] } as const;

/** Every run of digits after the indicator is its period, however long: out of range is refused, not skipped. */
function periods(tokens: readonly string[], i: number): { values: number[]; used: number } {
  const values: number[] = [];
  let used = 0;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!;
    const list = /^\d+(?:\/\d+)*$/.test(t) ? t.split('/').map(Number) : undefined;
    if (list) {
      values.push(...list);
      used = j - i + 1;
    } else if ((t === 'and' || t === '&' || t === ',') && /^\d+$/.test(tokens[j + 1] ?? '') && values.length)
      continue;
    else break;
  }
  return { values, used };
}

function refusal(kind: keyof typeof PERIOD_RANGE, values: readonly number[]): string | undefined {
  const [min, max] = PERIOD_RANGE[kind];
  const bad = values.find((v) => v < min || v > max);
  if (bad === undefined) return undefined;
  const name = kind.toUpperCase();
  return `I can draw ${name} with a period from ${min} to ${max}, not ${bad}. For example "${kind} ${Math.min(max, 200)}".`;
}

/** Reads one indicator mention starting at tokens[i]. */
export function readIndicator(tokens: readonly string[], i: number): IndicatorMatch | undefined {
  const t = tokens[i]!;
  const glued = /^(ema|sma|ma|rsi)(\d+)$/.exec(t);
  const name = glued ? glued[1]! : t;
  const after = glued ? { values: [Number(glued[2])], used: 0 } : periods(tokens, i + 1);
  const used = 1 + after.used;
  switch (name) {
    case 'ema':
    case 'sma':
    case 'ma': {
      const kind = name === 'ema' ? 'ema' : 'sma';
      const ps = after.values.length ? after.values : [20];
      const refused = refusal(kind, ps);
      return {
        overlays: ps.map((period) => ({ kind, period })),
        panes: [],
        used,
        ...(refused ? { refused } : {}),
      };
    }
    case 'rsi': {
      const refused = refusal('rsi', after.values.slice(0, 1));
      return {
        overlays: [],
        panes: [after.values[0] ? { kind: 'rsi', period: after.values[0] } : { kind: 'rsi' }],
        used,
        ...(refused ? { refused } : {}),
      };
    }
    case 'macd':
      return { overlays: [], panes: [{ kind: 'macd' }], used: 1 };
    case 'bollinger':
    case 'bb':
    case 'bbands':
      return { overlays: [{ kind: 'bollinger' }], panes: [], used: 1 + (tokens[i + 1] === 'bands' ? 1 : 0) };
    case 'vwap':
      return { overlays: [{ kind: 'vwap' }], panes: [], used: 1 };
    default:
      return undefined;
  }
}
