/**
 * The offline intent parser: free text → one Intent. Deterministic and total (never throws, see the
 * fuzz test); used when no LLM is configured and as the fast path for unambiguous requests. Order of
 * checks matters: refusals first, then commands that change nothing, trades last among the verbs.
 */

import type { LowerPane, Overlay } from '../ports.ts';
import { QUOTE_WORDS, slotMarket, strongMarket } from './assets.ts';
import { readIndicator, readTimeframe } from './chart.ts';
import { BadNumber, findTrigger, NUM } from './clauses.ts';
import { normalize, tokenize } from './normalize.ts';
import { parseNumber } from './numbers.ts';
import { looksLikeOrder, parseOrder, sideOf } from './orders.ts';
import { findPnlPeriod } from './periods.ts';
import type { Intent } from './types.ts';

const has = (s: string, re: RegExp) => re.test(s);

function outOfScope(s: string, tokens: readonly string[]): Intent | undefined {
  const reveal =
    /\b(show|reveal|print|tell|give|display|send|dump|export|share|read|copy|leak|paste|expose|what(?:'s| is| are)|output|repeat)\b/;
  if (
    has(s, /\b(seed phrase|mnemonic|private keys?|passwords?|passphrase)\b/) ||
    (has(s, /\b(api[ -]?keys?|secret keys?|api secrets?|secrets?|credentials?|keys)\b/) && has(s, reveal))
  )
    return { kind: 'out_of_scope', topic: 'secrets' };
  if (has(s, /\bwithdraw(?:al|als|ing|n)?\b/)) return { kind: 'out_of_scope', topic: 'withdraw' };
  const address = tokens.some(
    (t) => t.length >= 26 && /\d/.test(t) && /[a-z]/.test(t) && /^[a-z0-9]+$/.test(t),
  );
  if (
    (has(s, /\b(transfer|send|move|wire|pay|deposit)\b/) &&
      (address ||
        has(
          s,
          /\bto\s+(?:my\s+|this\s+|an?\s+|the\s+)?(?:external\s+|other\s+|cold\s+)?(?:wallet|address|account|exchange|friend|ledger)\b/,
        ))) ||
    (address && has(s, /\bto\b/))
  )
    return { kind: 'out_of_scope', topic: 'transfer' };
  const change =
    /\b(raise|increase|remove|disable|change|lift|bypass|turn off|switch off|set|up|double|triple|ignore|override|skip|drop|get rid of|without|no need for|don'?t need|higher|unlimited|max out)\b/;
  const controls =
    /\b(limits|(?:risk|order|position|daily|loss|trading|spending|notional|max|maximum|my|the|your) limit|risk (?:checks?|controls?|rules?)|kill ?switch|confirmations?|confirm(?:ing)? (?:step|button)|daily loss)\b/;
  if (has(s, change) && has(s, controls) && !has(s, /\blimit (?:order|buy|sell|price)\b/))
    return { kind: 'out_of_scope', topic: 'limits' };
  if (
    has(s, /\b(short|shorting|shorts|leverage[d]?|margin|futures|perps?|perpetuals?|options|\d+x)\b/) &&
    !has(s, /\bshort(?:est)? (?:term|answer|version)\b/)
  )
    return { kind: 'out_of_scope', topic: 'derivatives' };
  return undefined;
}

/** Markets in a sentence: pairs and strong names anywhere; weak or unknown tickers after a slot word. */
function markets(s: string, tokens: readonly string[], slotWords: RegExp): string[] {
  const found: string[] = [];
  const add = (m: string | undefined) => {
    if (m && !found.includes(m)) found.push(m);
  };
  tokens.forEach((t, i) => {
    if (QUOTE_WORDS[t] && t !== 'usdt' && t !== 'usdc') return;
    add(strongMarket(t));
    if (slotWords.test(tokens[i - 1] ?? '')) add(slotMarket(t));
    if (/^(price|prices|chart|graph|candles|quote)$/.test(tokens[i + 1] ?? '') && i === 0) add(slotMarket(t));
  });
  // "price of eth in eur" → ETH/EUR
  const inQuote = /\bin (eur|euros?|usd|usdt|usdc|dollars|btc)$/.exec(s);
  if (inQuote && found.length === 1 && !found[0]!.includes('/')) {
    const q = QUOTE_WORDS[inQuote[1]!] ?? inQuote[1]!.toUpperCase();
    if (q !== found[0]) return [`${found[0]}/${q}`];
  }
  return found.filter((m) => m !== 'USDT' || found.length === 1);
}

/** Chart options people ask for that the chart does not offer: said, not dropped. */
const UNSUPPORTED_CHART_OPTION = /\blog(?:arithmic)? scale\b|\bheikin[ -]?ashi\b/;
const THEME_WORD = /\b(light|white|bright|dark|black|night)(?: theme| mode| colou?rs?| background)?\b/;
/** "chart my equity", "my portfolio chart", "equity curve": the user's own account, not a market. */
const ACCOUNT_CHART =
  /\b(?:my|our)\s+(?:paper\s+|live\s+)?(equity|pnl|performance|account(?: value)?|net worth|portfolio|allocation|holdings|positions|bags|balances?)\b|\b(equity|pnl|performance|allocation|portfolio)\s+(?:curve|chart|graph|pie|breakdown)\b/;

function chartTheme(s: string): { theme?: 'dark' | 'light' } {
  const m = THEME_WORD.exec(s);
  if (!m) return {};
  return { theme: /^(light|white|bright)$/.test(m[1]!) ? 'light' : 'dark' };
}

function parseChart(s: string, tokens: readonly string[]): Intent {
  const option = UNSUPPORTED_CHART_OPTION.exec(s);
  if (option)
    return {
      kind: 'clarify',
      topic: 'option',
      question: `I cannot draw "${option[0]}" yet: charts here are candlesticks on a linear scale, dark or light. Ask without it, e.g. "chart btc 1h ema 20".`,
    };
  const { theme } = chartTheme(s);
  const account = ACCOUNT_CHART.exec(s);
  if (account) {
    const word = account[1] ?? account[2]!;
    const what = /^(equity|pnl|performance|account|account value|net worth)$/.test(word)
      ? 'equity'
      : 'portfolio';
    return { kind: 'account_chart', what, ...(theme ? { theme } : {}) };
  }
  // Theme words are options, not markets ("chart btc light" is not a chart of a coin named LIGHT).
  tokens = tokens.filter(
    (t) => !/^(light|white|bright|dark|black|night|theme|mode|colou?rs?|background)$/.test(t),
  );
  const overlays: Overlay[] = [];
  const panes: LowerPane[] = [];
  let timeframe: ReturnType<typeof readTimeframe>;
  for (let i = 0; i < tokens.length; i++) {
    const ind = readIndicator(tokens, i);
    if (ind?.refused) return { kind: 'clarify', topic: 'option', question: ind.refused };
    if (ind) {
      overlays.push(...ind.overlays);
      panes.push(...ind.panes);
      i += ind.used - 1;
      continue;
    }
    const tf = readTimeframe(tokens, i);
    if (tf && (!timeframe || 'unsupported' in timeframe)) {
      timeframe = tf;
      i += tf.used - 1;
    }
  }
  if (timeframe && 'unsupported' in timeframe)
    return {
      kind: 'clarify',
      topic: 'timeframe',
      question: `I can draw 1m, 5m, 15m, 30m, 1h, 4h, 1d or 1w candles, not ${timeframe.unsupported}. Which one?`,
    };
  const found = markets(s, tokens, /^(chart|charts|graph|plot|of|for|on|candles|candlesticks|show|me|ta)$/);
  if (found.length > 1)
    return { kind: 'clarify', topic: 'symbol', question: `One chart at a time: ${found.join(' or ')}?` };
  if (!found[0])
    return {
      kind: 'clarify',
      topic: 'symbol',
      question: 'A chart of which market? For example "chart BTC 1h".',
    };
  return {
    kind: 'chart',
    symbol: found[0],
    ...(timeframe && 'timeframe' in timeframe ? { timeframe: timeframe.timeframe } : {}),
    overlays,
    panes,
    ...(theme ? { theme } : {}),
  };
}

/**
 * A number written in a form the parser does not read as an amount or price ("1e400", "2e3", "1.5e-3",
 * "Infinity"): said back, so it is not silently dropped and the request read as if it had no number.
 */
function unusableNumber(s: string): Intent | undefined {
  const m = /(?:^|\s)([$€£]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)e[+-]?\d+|[$€£]?infinity)(?=\s|$)/.exec(s);
  if (!m) return undefined;
  return {
    kind: 'clarify',
    topic: 'number',
    question: `"${m[1]}" is not a number I can use. Write it like 1.5, 1500, 1,500 or 1.5k.`,
  };
}

function parseAlert(s: string, tokens: readonly string[]): Intent {
  const found = markets(s, tokens, /^(for|on|of|if|when|alert|me|once)$/);
  if (found.length > 1)
    return { kind: 'clarify', topic: 'symbol', question: `One alert at a time: ${found.join(' or ')}?` };
  if (!found[0])
    return {
      kind: 'clarify',
      topic: 'symbol',
      question: 'An alert on which market? For example "alert me when BTC goes above 70k".',
    };
  const unusable = unusableNumber(s);
  if (unusable) return unusable;
  const negative = /(?:^|\s)(-\s?[$€£]?(?:\d|\.\d)[\d.,]*(?:k|m|bn|b)?)(?=\s|$)/.exec(s);
  if (negative)
    return {
      kind: 'clarify',
      topic: 'price',
      question: `A price must be above zero, not ${negative[1]!.replace(/\s+/g, '')}. For example "alert me when ${found[0]} goes above 70k".`,
    };
  try {
    const t = findTrigger(s);
    if (t && t.value.price <= 0)
      return { kind: 'clarify', topic: 'price', question: 'The alert price must be more than zero.' };
    if (t)
      return {
        kind: 'alert',
        symbol: found[0],
        trigger: { direction: t.value.direction, price: t.value.price },
      };
    const at = new RegExp(String.raw`(?:^|\s)(?:at|@|hits|reaches|=)?\s*(${NUM})(?=\s|$)`).exec(s);
    const n = at ? parseNumber(at[1]!) : undefined;
    if (n && !n.ok) throw new BadNumber(n.raw);
    if (n?.ok && n.value > 0)
      return { kind: 'alert', symbol: found[0], trigger: { direction: 'cross', price: n.value } };
  } catch (err) {
    if (err instanceof BadNumber)
      return {
        kind: 'clarify',
        topic: 'number',
        question: `I could not read the number "${err.raw}": which did you mean? Write it like 1.5, 1500, 1,500 or 1.5k.`,
      };
    throw err;
  }
  return {
    kind: 'clarify',
    topic: 'price',
    question: `At what price of ${found[0]}? For example "alert me when ${found[0]} goes above 70k".`,
  };
}

const CANCEL_WORDS =
  /^(cancel|abort|revoke|delete|remove|kill|close|my|the|an?|order|orders|id|number|no|#)$/;

function parseCancel(s: string, tokens: readonly string[]): Intent {
  if (has(s, /\b(all|every|everything)\b/)) return { kind: 'cancel', ref: 'all' };
  const id = tokens.find((t) => /^#?[0-9a-f][0-9a-f-]{3,35}$/.test(t) && (/\d/.test(t) || t.length >= 8));
  if (id) return { kind: 'cancel', ref: id.replace(/^#/, '') };
  if (has(s, /\b(last|latest|recent|previous|that|it|this)\b/)) return { kind: 'cancel', ref: 'last' };
  const named = tokens.filter((t) => !CANCEL_WORDS.test(t));
  const ref = named.length === 1 ? named[0]!.replace(/^#/, '') : undefined;
  if (ref && /^[\w-]{1,36}$/.test(ref) && !strongMarket(ref) && !QUOTE_WORDS[ref])
    return {
      kind: 'clarify',
      topic: 'order',
      question: `No order ${ref} of yours: an order id looks like 3f2a9c1e. /orders lists your open orders with their ids.`,
    };
  return {
    kind: 'clarify',
    topic: 'order',
    question: 'Which order? /orders lists your open orders with their ids.',
  };
}

const HELP =
  /^(help|commands|menu|start|\?|what can you do|what do you do|what are (?:the|your) commands|how does this work|how do i use (?:this|you|it)|who are you|what are you|usage|info)$/;
const GREETING =
  /^(hi|hello|hey|yo|gm|sup|hiya|howdy|hola|good (?:morning|afternoon|evening)|hey there|hello there)$/;
const MEMORY =
  /^(forget|clear|reset|wipe|erase|delete)\b.*\b(conversation|chat|memory|history|context|everything|what i said)\b/;
const ALERT =
  /\b(alert|alerts|notify|ping|remind|alarm|tell me when|tell me if|let me know|message me|dm me|warn me|wake me)\b/;
const CHART =
  /^(chart|charts|graph|plot|candles|candlesticks?|ta|show (?:me )?(?:an? )?(?:\w+ )?(?:chart|graph|candles))\b|\b(chart|graph|candles|candlestick|candlesticks)\b/;
const PNL =
  /\b(pnl|profits?|losses|gains?|returns?|performance|how am i doing|how (?:did|have) i (?:do|done)|how much (?:did|have) i (?:make|made|lose|lost|earn|earned)|am i (?:up|down|in profit))\b/;
const PORTFOLIO =
  /\b(portfolio|balances?|holdings?|positions?|wallet|bags?|funds|net worth|equity|what do i (?:own|have|hold)|how much \S+ do i (?:have|own|hold)|my \S+ (?:worth|value)|assets)\b/;
const ORDERS = /\b(orders?|order history|pending|my trades|trades|fills|open positions)\b/;
const SIGNALS = /\b(signals?|setups?|trade ideas?|calls)\b/;
const PRICE =
  /\b(price|prices|pricing|quote|how much (?:is|are|does|for)|what(?:'s| is) \S+ (?:at|trading at|doing)|trading at|worth|value|cost|costs|ticker|how(?:'s| is) \S+ doing|rate|going for)\b/;

function parseNormalized(s: string): Intent {
  const tokens = tokenize(s);
  if (!tokens.length) return { kind: 'unknown' };
  const refused = outOfScope(s, tokens);
  if (refused) return refused;
  if (has(s, MEMORY)) return { kind: 'memory_clear' };
  if (has(s, HELP)) return { kind: 'help' };
  if (has(s, GREETING)) return { kind: 'greeting' };
  if (
    has(
      s,
      /\b(paper|live)\s+(mode|trading|account)\b|\bgo live\b|\b(?:what|which) mode\b|^mode$|\b(switch|change|go|move|set)\b.*\b(to )?(paper|live|real money)\b/,
    )
  ) {
    const mode = has(s, /\b(live|real money)\b/) ? 'live' : has(s, /\bpaper\b/) ? 'paper' : undefined;
    return has(s, /\b(what|which)\b/) || !mode ? { kind: 'mode' } : { kind: 'mode', mode };
  }
  if (/^(cancel|abort|revoke)\b/.test(s) || /^(delete|remove|kill|close)\b.*\b(order|alert)/.test(s)) {
    if (has(s, /\balerts?\b/)) {
      const id = tokens.find((t) => /^#?[0-9a-f]{4}[0-9a-f-]{0,32}$/.test(t) && /\d/.test(t));
      return id ? { kind: 'alert_cancel', ref: id.replace(/^#/, '') } : { kind: 'alert_cancel' };
    }
    return parseCancel(s, tokens);
  }
  if (
    /^(?:(?:list|show|see|view)(?: me)? )?(?:my |all )?(?:active |price )?alerts\??$|^what alerts\b/.test(s)
  )
    return { kind: 'alerts' };
  if (has(s, ALERT)) return parseAlert(s, tokens);
  if (looksLikeOrder(tokens)) {
    const side = sideOf(tokens);
    const negative = /(?:^|\s)(-\s?\$?\d[\d.,]*k?)/.exec(s);
    const negativePrice =
      /\b(?:at|@|limit|below|above|under|over|if|when|hits?|reaches)\s+(-\s?[$€£]?\d[\d.,]*k?)/.exec(s);
    if (negativePrice && side && side !== 'both')
      return {
        kind: 'clarify',
        topic: 'price',
        question: `A price must be above zero, not ${negativePrice[1]!.replace(/\s+/g, '')}. For example "${side} 0.01 btc at 50k".`,
      };
    if (negative && side && side !== 'both')
      return {
        kind: 'clarify',
        topic: 'amount',
        question: `An amount cannot be negative ("${negative[1]}"). Say how much to ${side} as a positive number, e.g. "${side} 0.01 btc"${side === 'buy' ? ', or "sell …" to sell' : ', or "buy …" to buy'}.`,
      };
    if (side === 'both')
      return {
        kind: 'clarify',
        topic: 'side',
        question: 'Do you want to buy or to sell? I do one order at a time.',
      };
    const unusable = unusableNumber(s);
    if (unusable && side) return unusable;
    if (side) return parseOrder(s, side);
  }
  if (has(s, CHART) || has(s, /\b(equity|pnl|performance) curve\b/)) return parseChart(s, tokens);
  if (has(s, PNL)) {
    const read = findPnlPeriod(s);
    if (!read.ok) return { kind: 'clarify', topic: 'period', question: read.reply };
    return read.period ? { kind: 'pnl', period: read.period } : { kind: 'pnl' };
  }
  if (has(s, ORDERS) && !has(s, PORTFOLIO))
    return { kind: 'orders', open: !has(s, /\b(history|all|past|filled|closed|old)\b/) };
  if (has(s, PORTFOLIO)) {
    const asset =
      /\bhow much (\S+) do i\b/.exec(s)?.[1] ??
      /\bmy (\S+) (?:worth|value|balance|holdings?|position)\b/.exec(s)?.[1];
    const market = asset ? slotMarket(asset) : undefined;
    return market ? { kind: 'portfolio', asset: market } : { kind: 'portfolio' };
  }
  if (has(s, SIGNALS)) {
    const found = markets(s, tokens, /^(for|on|of)$/);
    return found[0] ? { kind: 'signals', symbol: found[0] } : { kind: 'signals' };
  }
  const found = markets(s, tokens, /^(of|for|is|price|quote|on|about|check|ticker|does)$/);
  if (has(s, PRICE)) {
    if (found.length > 5)
      return {
        kind: 'clarify',
        topic: 'symbol',
        question: `Up to 5 prices at once; you named ${found.length} (${found.join(', ')}). Ask for five, e.g. "price of ${found.slice(0, 5).join(' ').toLowerCase()}".`,
      };
    if (found.length) return { kind: 'price', symbols: found };
    return {
      kind: 'clarify',
      topic: 'symbol',
      question: 'The price of which market? For example "price of ETH".',
    };
  }
  // Bare symbols: "btc", "eth?", "btc eth sol", "eth/usdt".
  const rest = tokens.filter((t) => !/^(and|&|,|vs|or|\+)$/.test(t));
  const bare = rest.map((t) => strongMarket(t));
  if (bare.length && bare.length <= 5 && bare.every(Boolean))
    return { kind: 'price', symbols: [...new Set(bare as string[])] };
  return { kind: 'unknown' };
}

/** The parser without its safety net; the fuzz test runs this one so a throw is seen, not hidden. */
export function parseIntentStrict(input: string): Intent {
  if (/^\s*\?+\s*$/.test(input)) return { kind: 'help' };
  return parseNormalized(normalize(input.slice(0, MAX_INPUT)));
}

/** Chat messages longer than this are not commands; the parser reads only the start. */
const MAX_INPUT = 500;

/** Never throws: an unexpected internal failure is reported as "unknown", not as an exception. */
export function parseIntent(input: string): Intent {
  try {
    return parseIntentStrict(input);
  } catch {
    return { kind: 'unknown' };
  }
}
