/**
 * Trade sentences: "buy 0.5 btc if price dips below 30k", "buy $100 of eth", "sell half my eth",
 * "sell 2 eth at 2.5k". Every ambiguity (two coins, a number whose unit is unclear, a percent on a buy,
 * both buy and sell) becomes a clarifying question: this parser never guesses an order.
 */

import type { OrderAmount, Side } from '../ports.ts';
import { QUOTE_WORDS, slotMarket, strongMarket } from './assets.ts';
import { BadNumber, findLimit, findMarketFlag, findTrigger, NUM } from './clauses.ts';
import { dict } from './dict.ts';
import { parseNumber, wordNumber } from './numbers.ts';
import type { Intent, ParsedTrigger } from './types.ts';

const BUY = new Set(['buy', 'purchase', 'acquire', 'grab', 'spend', 'invest', 'accumulate', 'ape', 'bid']);
const SELL = new Set(['sell', 'dump', 'liquidate', 'unload', 'offload', 'ask', 'trim']);

/** The side named by the sentence's verbs: undefined when none, 'both' when they conflict. */
export function sideOf(tokens: readonly string[]): Side | 'both' | undefined {
  const buy = tokens.some((t, i) => BUY.has(t) || (t === 'get' && (i === 0 || tokens[i - 1] === 'to')));
  const sell = tokens.some((t) => SELL.has(t));
  if (buy && sell) return 'both';
  return buy ? 'buy' : sell ? 'sell' : undefined;
}

export function looksLikeOrder(tokens: readonly string[]): boolean {
  return tokens.some((t, i) => BUY.has(t) || SELL.has(t) || (t === 'get' && i === 0 && tokens.length > 1));
}

interface AmountMatch {
  readonly amount: OrderAmount;
  readonly market?: string;
  /** Quote named with the amount ("100 usdc of eth" → USDC; "€50" → EUR). */
  readonly quote?: string;
  readonly rest: string;
}

const MKT = `([a-z][a-z0-9]{1,9}(?:[/-][a-z0-9]{2,10})?)`;
const QUOTE = `(usdt|usdc|usd|dollars?|bucks?|eur|euros?|gbp)`;
const FRACTIONS = dict({
  half: 50,
  'a half': 50,
  'one half': 50,
  quarter: 25,
  'a quarter': 25,
  'one quarter': 25,
  third: 100 / 3,
  'a third': 100 / 3,
  'one third': 100 / 3,
  'two thirds': 200 / 3,
  'three quarters': 75,
  all: 100,
  everything: 100,
  'the whole': 100,
  'my whole': 100,
  'my entire': 100,
  entire: 100,
  'the rest': 100,
});

const blank = (text: string, m: RegExpExecArray) =>
  `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();

function num(raw: string): { value: number; currency?: string } {
  const n = parseNumber(raw.replace(/\s+/g, ''));
  if (!n?.ok) throw new BadNumber(raw);
  return n.currency ? { value: n.value, currency: n.currency } : { value: n.value };
}

/** Matches `re` and accepts the first match whose market group names a market. */
function each(text: string, re: RegExp, accept: (m: RegExpExecArray) => AmountMatch | undefined) {
  const g = new RegExp(re.source, 'g');
  for (let m = g.exec(text); m; m = g.exec(text)) {
    const got = accept(m);
    if (got) return got;
  }
  return undefined;
}

function quoteOf(word: string | undefined, sign: string | undefined): string | undefined {
  const q = word ? QUOTE_WORDS[word] : sign;
  return q === 'USD' ? undefined : q;
}

/** Group numbers of a quote-amount pattern: where the number, the quote word and the market are. */
interface QuoteGroups {
  readonly number: number;
  readonly quote: number;
  readonly market: number;
  /** "spend 50 on doge" is money even without "$" or "usdt"; "buy 100 of eth" is not. */
  readonly moneyWithoutUnit?: boolean;
}

/** A reader of money amounts ("$100 of eth"): quote units, with the quote currency when one is named. */
function quoteReader(pattern: string, g: QuoteGroups) {
  return (text: string) =>
    each(text, new RegExp(pattern), (m) => {
      const n = num(m[g.number]!);
      const market = slotMarket(m[g.market]!);
      if (!market || (!g.moneyWithoutUnit && !n.currency && !m[g.quote])) return undefined;
      return {
        amount: { unit: 'quote', value: n.value },
        market,
        quote: quoteOf(m[g.quote], n.currency),
        rest: blank(text, m),
      };
    });
}

const READERS: readonly ((text: string) => AmountMatch | undefined)[] = [
  // "$100 of eth", "100 usdt worth of eth", "€50 in btc", "100 dollars of sol"
  quoteReader(
    String.raw`(?:^|\s)(${NUM})\s*(?:${QUOTE}\s+)?(?:worth\s+)?(?:of\s+|in\s+|on\s+|into\s+)?(?:some\s+)?${MKT}(?=\s|$)`,
    { number: 1, quote: 2, market: 3 },
  ),
  // "eth for $100", "eth with 100 usdt", "eth worth $50"
  quoteReader(String.raw`(?:^|\s)${MKT}\s+(?:for|with|worth|using)\s+(${NUM})\s*${QUOTE}?(?=\s|$)`, {
    number: 2,
    quote: 3,
    market: 1,
  }),
  // "spend $50 on doge", "invest 200 usdt in sol"
  quoteReader(String.raw`\b(?:spend|invest|put)\s+(${NUM})\s*${QUOTE}?\s+(?:on|in|into)\s+${MKT}(?=\s|$)`, {
    number: 1,
    quote: 2,
    market: 3,
    moneyWithoutUnit: true,
  }),
  // "25% of my sol", "50 % of eth"
  (text) =>
    each(
      text,
      new RegExp(String.raw`(?:^|\s)(\d+(?:\.\d+)?)%\s+(?:of\s+)?(?:my\s+)?(?:the\s+)?${MKT}(?=\s|$)`),
      (m) => {
        const market = slotMarket(m[2]!);
        return market
          ? { amount: { unit: 'percent', value: Number(m[1]) }, market, rest: blank(text, m) }
          : undefined;
      },
    ),
  // "half a btc", "half an eth"
  (text) =>
    each(text, new RegExp(String.raw`\b(half|a quarter|quarter)\s+(?:of\s+)?an?\s+${MKT}(?=\s|$)`), (m) => {
      const market = slotMarket(m[2]!);
      const value = m[1] === 'half' ? 0.5 : 0.25;
      return market ? { amount: { unit: 'base', value }, market, rest: blank(text, m) } : undefined;
    }),
  // "half my eth", "all of my btc", "my entire sol", "everything in eth"
  (text) =>
    each(
      text,
      new RegExp(
        String.raw`\b(${Object.keys(FRACTIONS)
          .sort((a, b) => b.length - a.length)
          .join('|')})\s+(?:of\s+)?(?:in\s+)?(?:my\s+|the\s+)?${MKT}(?=\s|$)`,
      ),
      (m) => {
        const market = slotMarket(m[2]!);
        return market
          ? { amount: { unit: 'percent', value: FRACTIONS[m[1]!]! }, market, rest: blank(text, m) }
          : undefined;
      },
    ),
  // "0.5 btc", "1,000 doge", "0.5 of a btc", "two eth"
  (text) =>
    each(
      text,
      new RegExp(
        String.raw`(?:^|\s)(${NUM}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:of\s+an?\s+)?${MKT}(?=\s|$)`,
      ),
      (m) => {
        const market = slotMarket(m[2]!);
        if (!market) return undefined;
        const word = wordNumber(m[1]!);
        const n = word === undefined ? num(m[1]!) : { value: word };
        if ('currency' in n) return undefined;
        return { amount: { unit: 'base', value: n.value }, market, rest: blank(text, m) };
      },
    ),
  // "btc 0.5"
  (text) =>
    each(text, new RegExp(String.raw`(?:^|\s)${MKT}\s+(${NUM})(?=\s|$)`), (m) => {
      const market = slotMarket(m[1]!);
      const n = num(m[2]!);
      if (!market || n.currency) return undefined;
      return { amount: { unit: 'base', value: n.value }, market, rest: blank(text, m) };
    }),
];

const clarify = (topic: Extract<Intent, { kind: 'clarify' }>['topic'], question: string): Intent => ({
  kind: 'clarify',
  topic,
  question,
});

/** Markets named anywhere: pairs and strong names, plus the word right after the verb ("buy eth"). */
function marketsIn(text: string, tokens: readonly string[]): string[] {
  const found = new Set<string>();
  for (const t of tokens) {
    const m = strongMarket(t);
    if (m && !QUOTE_WORDS[t]) found.add(m);
  }
  const afterVerb = new RegExp(
    String.raw`\b(?:buy|sell|purchase|acquire|grab|get|dump|liquidate|unload|offload|trim|of|my|some)\s+(?:some\s+|more\s+|my\s+)?${MKT}(?=\s|$)`,
    'g',
  );
  for (let m = afterVerb.exec(text); m; m = afterVerb.exec(text)) {
    const market = slotMarket(m[1]!);
    if (market) found.add(market);
  }
  return [...found].filter((m) => m !== 'USDT' && m !== 'USDC');
}

const baseOf = (market: string) => market.split('/')[0]!;

/**
 * A price word still followed by something once the limit, trigger and amount were read: "at abc",
 * "@ fifty", "limit x". Left alone, the order would silently become a market order.
 */
const UNREAD_PRICE = /(?:^|\s)(?:at|@|limit(?: price)?(?: of)?)\s+(\S+)/;
/** What may follow "at" or "limit" without being a price ("at the current price", "limit buy …"). */
const PRICE_FREE_WORDS = new Set(
  'the a an once best any current spot least most order orders buy sell purchase'.split(' '),
);

export function parseOrder(text: string, side: Side): Intent {
  let rest = text;
  let trigger: ParsedTrigger | undefined;
  let limitPrice: number | undefined;
  try {
    const t = findTrigger(rest);
    if (t) {
      trigger = { direction: t.value.direction, price: t.value.price };
      rest = t.rest;
    }
    const l = findLimit(rest);
    if (l) {
      limitPrice = l.value;
      rest = l.rest;
    }
    const marketFlag = findMarketFlag(rest);
    if (marketFlag) {
      if (limitPrice !== undefined)
        return clarify('order', 'Market order or limit order? Say "at market" or give one limit price.');
      rest = marketFlag.rest;
    }
    let amount: AmountMatch | undefined;
    for (const read of READERS) {
      amount = read(rest);
      if (amount) break;
    }
    if (amount?.market && /^(USDT|USDC|USD)$/.test(amount.market) && amount.amount.unit === 'percent')
      return clarify(
        'amount',
        'Give the amount in coins ("0.1 ETH") or money ("$100 of ETH"), not as a share of your cash.',
      );
    const dangling =
      /\b(if|when|once|below|above|under|over|dips?|drops?|falls?|rises?|hits?|reaches|at|@|limit|stop)\s*$/.exec(
        rest,
      );
    if (dangling)
      return clarify('price', `At what price? Say e.g. "${side} 0.1 BTC if price dips below 30k".`);
    const tokens = rest.split(' ');
    const named = marketsIn(text, text.split(' '));
    const bases = new Set([...named, ...(amount?.market ? [amount.market] : [])].map(baseOf));
    if (bases.size > 1)
      return clarify('symbol', `Which coin: ${[...bases].join(' or ')}? I place one order at a time.`);
    const market = amount?.market ?? named[0];
    if (!market)
      return clarify('symbol', `Which coin do you want to ${side}? For example "${side} 0.1 BTC".`);
    const coin = baseOf(market);
    if (!amount) {
      const unitless = new RegExp(String.raw`(?:^|\s)(${NUM})\s+(?:worth\s+)?of\s+`).exec(rest);
      const value = unitless ? parseNumber(unitless[1]!) : undefined;
      if (value?.ok)
        return clarify(
          'amount',
          `Do you mean ${value.value} ${coin}, or ${value.value} USDT worth of ${coin}?`,
        );
      const leftover = tokens.find((t) => parseNumber(t));
      const hint = leftover ? ` I am not sure what "${leftover}" refers to.` : '';
      return clarify(
        'amount',
        `How much ${coin} do you want to ${side}?${hint} Say e.g. "${side} 0.1 ${coin}" or "${side} $100 of ${coin}".`,
      );
    }
    const unreadPrice = UNREAD_PRICE.exec(amount.rest);
    if (unreadPrice && !PRICE_FREE_WORDS.has(unreadPrice[1]!))
      return clarify(
        'price',
        `I could not read "${unreadPrice[1]}" as a price. For a limit order give a number, e.g. "${side} 0.01 ${coin} at 50k"; without a price it is a market order.`,
      );
    const stray = amount.rest.split(' ').find((t) => parseNumber(t) || /^\d/.test(t));
    if (stray)
      return clarify(
        'number',
        `I am not sure what "${stray}" means here. Is it an amount, a limit price or a trigger?`,
      );
    if (amount.amount.value <= 0 || !Number.isFinite(amount.amount.value))
      return clarify('amount', 'The amount must be more than zero.');
    if (amount.amount.unit === 'percent') {
      if (side === 'buy')
        return clarify(
          'amount',
          `How much ${coin} do you want to buy? Give coins ("0.1 ${coin}") or money ("$100 of ${coin}").`,
        );
      if (amount.amount.value > 100) return clarify('amount', 'You can sell at most 100% of a holding.');
    }
    if ((limitPrice !== undefined && limitPrice <= 0) || (trigger && trigger.price <= 0))
      return clarify('price', 'Prices must be more than zero.');
    const symbol = amount.quote && !market.includes('/') ? `${coin}/${amount.quote}` : market;
    return {
      kind: 'order',
      side,
      symbol,
      amount: amount.amount,
      type: limitPrice === undefined ? 'market' : 'limit',
      ...(limitPrice === undefined ? {} : { limitPrice }),
      ...(trigger ? { trigger } : {}),
    };
  } catch (err) {
    if (err instanceof BadNumber)
      return clarify(
        'number',
        `I could not read the number "${err.raw}": which did you mean? Write it like 1.5, 1500, 1,500 or 1.5k.`,
      );
    throw err;
  }
}
