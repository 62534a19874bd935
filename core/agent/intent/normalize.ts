/**
 * Text → lower-case tokens the grammar reads. Politeness and filler are dropped, numbers are glued to
 * their suffixes ("30 k" → "30k") and split from assets ("0.5btc" → "0.5 btc").
 */
import { isAssetOrQuoteWord, MULTI_WORD_ASSETS } from './assets.ts';

const FILLER =
  /^(?:(?:hey|hi|ok|okay|yo)\s+(?:bot|cryptopulse)?\s*[,!]?\s*)?(?:(?:please|pls|plz|kindly|can you|could you|would you|will you|can i|could i|i want to|i wanna|i'd like to|i would like to|i need to|let's|lets|go ahead and|help me|just)\s+)+/;

export function normalize(input: string): string {
  let s = input.normalize('NFKC').toLowerCase();
  s = s.replace(/[’‘`]/g, "'").replace(/[“”]/g, '"');
  // A minus sign, figure dash or en dash before a number is a minus (phones and word processors type
  // them): "−5" must read as the negative it is, not as a word that drops out of the sentence.
  s = s.replace(/[\u2212\u2012\u2013\ufe63](?=[$€£]?\.?\d)/g, '-');
  // Control characters (terminal escapes, NULs) carry no meaning in a chat command.
  s = s.replace(/\p{Cc}+/gu, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/[?!.…]+$/g, '').trim();
  s = s.replace(/[,!]?\s*(?:please|pls|thanks|thank you|thx)$/g, '').trim();
  for (;;) {
    const next = s.replace(FILLER, '');
    if (next === s) break;
    s = next;
  }
  for (const [re, to] of MULTI_WORD_ASSETS) s = s.replace(re, to);
  s = s.replace(/([$€£])\s+(\d)/g, '$1$2');
  s = s.replace(/(\d)\s+(k|m|bn)\b/g, '$1$2');
  s = s.replace(/(\d)\s*(?:thousand|grand)\b/g, '$1k').replace(/(\d)\s*(?:million|mil)\b/g, '$1m');
  s = s.replace(/\bp\s*&\s*l\b|\bp\/l\b/g, 'pnl');
  s = s.replace(/(<=|>=|<|>|@|=)/g, ' $1 ');
  s = s.replace(/(\d)([a-z]{2,})\b/g, (all, d: string, w: string) =>
    isAssetOrQuoteWord(w) ? `${d} ${w}` : all,
  );
  s = s.replace(/(\d)\s*%/g, '$1%');
  return s.replace(/\s+/g, ' ').trim();
}

/** Tokens of normalised text, with sentence punctuation stripped from their ends. */
export function tokenize(normalized: string): string[] {
  return normalized
    .split(' ')
    .map((t) => t.replace(/^[("'[]+|[)"'\],;:!?]+$/g, '').replace(/(?<=\D)\.$/, ''))
    .filter(Boolean);
}
