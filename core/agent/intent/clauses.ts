/**
 * Price clauses inside a trade or alert sentence: conditions ("if price dips below 30k", "when it hits
 * 2.5k", "stop 28k") and limit prices ("at 2.5k", "@ 2500", "limit 29000", "for 2500 each"). Each
 * finder returns the clause and the text with the clause blanked out, so what is left can be read for
 * the amount and market without mistaking a price for an amount.
 */
import { parseNumber } from './numbers.ts';
import type { ParsedDirection, ParsedTrigger } from './types.ts';

/** A number token as it appears in normalised text: "$30k", "30,000.5", "2.5k", "100$", ".5". */
export const NUM = String.raw`[$€£]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:k|mm|m|bn|b)?[$€£]?`;

const BELOW = `below|under|beneath|less than|lower than|<=|<|dips?(?: below| under| to)?|drops?(?: below| under| to)?|falls?(?: below| under| to)?|sinks?(?: below| to)?|crash(?:es)?(?: below| to)?|goes (?:below|under|down to)|gets below|down to|dip to|drop to|fall to`;
const ABOVE = `above|over|more than|higher than|greater than|>=|>|exceeds?|breaks?(?: above| through| out above| out)?|rises?(?: above| to| over)?|climbs?(?: above| to| over)?|goes (?:above|over|up to)|gets above|pumps?(?: to| above)?|tops|moons? to|up to|past|beyond|surpass(?:es)?`;

export interface Found<T> {
  readonly value: T;
  readonly rest: string;
}

export class BadNumber {
  constructor(readonly raw: string) {}
}

function amountOf(raw: string): number {
  const n = parseNumber(raw.replace(/\s+/g, ''));
  if (!n?.ok) throw new BadNumber(raw);
  return n.value;
}

function blank(text: string, m: RegExpExecArray): string {
  return `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();
}

function directionIn(clause: string): ParsedDirection {
  if (new RegExp(String.raw`(?:^|\s)(?:${BELOW})(?:\s|$)`).test(clause)) return 'below';
  if (new RegExp(String.raw`(?:^|\s)(?:${ABOVE})(?:\s|$)`).test(clause)) return 'above';
  return 'cross';
}

const CONDITION = new RegExp(
  String.raw`\b(?:if|when|whenever|once|as soon as|should|in case|the moment|after)\s+((?:(?!\b(?:if|when|and|then)\b)[^\d$€£.])*?)\s*(${NUM})(?:\s+(?:level|mark|area|zone|usd|usdt|dollars?))?`,
);
const BARE_DIRECTION = new RegExp(
  String.raw`(?:^|\s)(${BELOW}|${ABOVE})\s+(?:the\s+|a\s+price\s+of\s+|price\s+of\s+)?(${NUM})(?=\s|$)`,
);
const DIP = new RegExp(String.raw`\bon (?:a |the )?dip (?:to |below |under )?(${NUM})`);
const STOP = new RegExp(String.raw`\b(?:stop(?:[- ]loss)?|sl)\s+(?:at\s+|@\s+|of\s+)?(${NUM})`);
const TAKE_PROFIT = new RegExp(String.raw`\b(?:take[- ]profit|tp)\s+(?:at\s+|@\s+|of\s+)?(${NUM})`);

/** The condition of a conditional order or alert, if the sentence has one. Throws BadNumber. */
export function findTrigger(text: string): Found<ParsedTrigger & { readonly clause: string }> | undefined {
  let m = CONDITION.exec(text);
  if (m) {
    const clause = m[1] ?? '';
    return {
      value: { direction: directionIn(clause), price: amountOf(m[2]!), clause },
      rest: blank(text, m),
    };
  }
  m = DIP.exec(text);
  if (m) return { value: { direction: 'below', price: amountOf(m[1]!), clause: '' }, rest: blank(text, m) };
  m = STOP.exec(text);
  if (m) return { value: { direction: 'below', price: amountOf(m[1]!), clause: '' }, rest: blank(text, m) };
  m = TAKE_PROFIT.exec(text);
  if (m) return { value: { direction: 'above', price: amountOf(m[1]!), clause: '' }, rest: blank(text, m) };
  m = BARE_DIRECTION.exec(text);
  if (m)
    return {
      value: { direction: directionIn(m[1]!), price: amountOf(m[2]!), clause: '' },
      rest: blank(text, m),
    };
  return undefined;
}

const LIMIT = [
  new RegExp(
    String.raw`(?:^|\s)(?:at|@)\s+(?:a\s+)?(?:limit\s+)?(?:price\s+(?:of\s+)?)?(${NUM})(?:\s+(?:each|per coin|per unit|apiece|a piece|a coin))?(?=\s|$)`,
  ),
  new RegExp(String.raw`\blimit(?:\s+price)?(?:\s+(?:of|at|@))?\s+(${NUM})(?=\s|$)`),
  new RegExp(String.raw`\bfor\s+(${NUM})\s+(?:each|per coin|per unit|apiece|a piece|a coin)\b`),
  new RegExp(String.raw`\bprice\s+(?:of\s+)?(${NUM})(?=\s|$)`),
];

/** A limit price ("at 2.5k"), if the sentence has one. Throws BadNumber. */
export function findLimit(text: string): Found<number> | undefined {
  for (const re of LIMIT) {
    const m = re.exec(text);
    if (m) return { value: amountOf(m[1]!), rest: blank(text, m) };
  }
  return undefined;
}

const MARKET_WORDS =
  /\b(?:at market(?: price)?|market price|at the market|market order|market|now|right now|immediately|asap|at once|right away|straight away)\b/;

export function findMarketFlag(text: string): Found<true> | undefined {
  const m = MARKET_WORDS.exec(text);
  return m ? { value: true, rest: blank(text, m) } : undefined;
}
