/**
 * Numbers as people type them in chat: "$100", "100$", "30k", "2.5K", "1,250.50", "1.5m", "€50".
 * Thousands separators must group by three; "1,5" is ambiguous (1.5 or 15?) and is reported so the
 * parser asks instead of guessing an amount.
 */
import { dict } from './dict.ts';

export type Currency = 'USD' | 'EUR' | 'GBP';

export type ParsedNumber =
  | { readonly ok: true; readonly value: number; readonly currency?: Currency }
  | { readonly ok: false; readonly raw: string };

const SIGNS = dict<Currency>({ $: 'USD', '€': 'EUR', '£': 'GBP' });
const SUFFIX = dict({ k: 1e3, m: 1e6, mm: 1e6, b: 1e9, bn: 1e9 });
const NUMBER = /^([$€£])?(\d[\d,]*)?(\.\d+)?(k|mm|m|bn|b)?([$€£])?$/;

const WORD_NUMBERS = dict({
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twenty: 20,
  fifty: 50,
  hundred: 100,
});

/** A number token, a badly grouped number (`ok: false`), or undefined when the token is not numeric. */
export function parseNumber(token: string): ParsedNumber | undefined {
  const m = NUMBER.exec(token);
  if (!m || (!m[2] && !m[3])) return undefined;
  const [, pre, int = '', frac = '', suffix, post] = m;
  if (pre && post) return { ok: false, raw: token };
  if (int.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(int)) return { ok: false, raw: token };
  const value = Number(int.replace(/,/g, '') + frac) * (suffix ? SUFFIX[suffix]! : 1);
  if (!Number.isFinite(value)) return { ok: false, raw: token };
  const currency = SIGNS[pre ?? post ?? ''];
  return currency ? { ok: true, value, currency } : { ok: true, value };
}

export function wordNumber(token: string): number | undefined {
  return WORD_NUMBERS[token];
}

/** "30k" → 30000; undefined when not a clean number. */
export function numberValue(token: string): number | undefined {
  const n = parseNumber(token);
  return n?.ok ? n.value : undefined;
}
