/**
 * Which coins a headline mentions. Names ("Bitcoin", "Polkadot") and distinctive tickers ("BTC") count
 * anywhere. Tickers that are also English words ("SOL", "ONE", "LINK", "NEAR", "DOT", "OP") count only
 * with evidence that a coin is meant: a cashtag ($SOL), a ticker in parentheses after a name ("Polkadot
 * (DOT)"), a pair ("SOL/USDT", "SOLUSDT"), an amount before it ("10,000 SOL") or a market word beside it
 * ("DOT price", "LINK token") — and never from their lower-case spelling. Names that are ordinary words
 * ("optimism", "stellar", "avalanche") likewise need a market word beside them; "Ether" counts
 * capitalised and not after "the" ("lost in the ether"). A headline in capitals gives no case evidence,
 * so there only cashtags, parentheses and pairs count for word-like tickers. A pair's quote ("/USDT") is
 * not a mention. The table in coins.test.ts holds the false friends this was written against.
 */

/** plain: any case; upper: upper case exactly (ADA, not Ada); context: upper case plus evidence. */
type TickerRule = 'plain' | 'upper' | 'context';

interface CoinSpec {
  readonly code: string;
  readonly tickers: readonly (readonly [string, TickerRule])[];
  /** Lower-case names, one or more words; the longest match wins ("bitcoin cash" over "bitcoin"). */
  readonly names?: readonly string[];
  /** Names that are ordinary words: they need a market word beside them. */
  readonly wordNames?: readonly string[];
  /** Names that are also lower-case words ("ether"): they count capitalised and not after "the", or beside a market word. */
  readonly casedNames?: readonly string[];
  /** A name followed by one of these is the ordinary phrase ("ripple effect"). */
  readonly notBefore?: readonly string[];
  /** A ticker followed by one of these is something else ("ETH Zurich", the university). */
  readonly tickerNotBefore?: readonly string[];
}

const COINS: readonly CoinSpec[] = [
  {
    code: 'BTC',
    tickers: [
      ['btc', 'plain'],
      ['xbt', 'plain'],
    ],
    names: ['bitcoin', 'bitcoins'],
  },
  {
    code: 'ETH',
    tickers: [['eth', 'plain']],
    names: ['ethereum'],
    casedNames: ['ether'],
    tickerNotBefore: ['zurich', 'zürich'],
  },
  { code: 'SOL', tickers: [['sol', 'context']], names: ['solana'] },
  {
    code: 'XRP',
    tickers: [
      ['xrp', 'plain'],
      ['xrpl', 'plain'],
    ],
    names: ['ripple'],
    notBefore: ['effect', 'effects'],
  },
  // ADA is also the Americans with Disabilities Act; DOGE also the US "Department of Government Efficiency".
  { code: 'ADA', tickers: [['ada', 'context']], names: ['cardano'] },
  { code: 'DOGE', tickers: [['doge', 'context']], names: ['dogecoin'] },
  { code: 'DOT', tickers: [['dot', 'context']], names: ['polkadot'] },
  { code: 'LTC', tickers: [['ltc', 'plain']], names: ['litecoin'] },
  { code: 'BNB', tickers: [['bnb', 'plain']], names: ['binance coin', 'bnb chain'] },
  { code: 'AVAX', tickers: [['avax', 'plain']], wordNames: ['avalanche'] },
  { code: 'LINK', tickers: [['link', 'context']], names: ['chainlink'] },
  {
    code: 'POL',
    tickers: [
      ['matic', 'plain'],
      ['pol', 'context'],
    ],
    names: ['polygon'],
  },
  { code: 'TRX', tickers: [['trx', 'plain']], names: ['tron'] },
  { code: 'SHIB', tickers: [['shib', 'plain']], names: ['shiba inu'] },
  { code: 'UNI', tickers: [['uni', 'context']], names: ['uniswap'] },
  { code: 'ATOM', tickers: [['atom', 'context']], wordNames: ['cosmos'] },
  { code: 'XLM', tickers: [['xlm', 'plain']], wordNames: ['stellar'] },
  { code: 'APT', tickers: [['apt', 'context']], names: ['aptos'] },
  { code: 'ARB', tickers: [['arb', 'context']], names: ['arbitrum'] },
  { code: 'OP', tickers: [['op', 'context']], wordNames: ['optimism'] },
  { code: 'TON', tickers: [['ton', 'context']], names: ['toncoin', 'the open network'] },
  { code: 'SUI', tickers: [['sui', 'context']] },
  { code: 'NEAR', tickers: [['near', 'context']], names: ['near protocol'] },
  { code: 'PEPE', tickers: [['pepe', 'context']] },
  { code: 'FIL', tickers: [['fil', 'context']], names: ['filecoin'] },
  { code: 'AAVE', tickers: [['aave', 'plain']] },
  { code: 'XMR', tickers: [['xmr', 'plain']], names: ['monero'] },
  { code: 'ALGO', tickers: [['algo', 'context']], names: ['algorand'] },
  { code: 'HBAR', tickers: [['hbar', 'plain']], names: ['hedera'] },
  { code: 'INJ', tickers: [['inj', 'upper']], names: ['injective'] },
  { code: 'ONE', tickers: [['one', 'context']], names: ['harmony one'] },
  { code: 'ETC', tickers: [['etc', 'context']], names: ['ethereum classic'] },
  { code: 'BCH', tickers: [['bch', 'plain']], names: ['bitcoin cash'] },
  { code: 'ICP', tickers: [['icp', 'upper']], names: ['internet computer'] },
  { code: 'USDT', tickers: [['usdt', 'plain']], names: ['tether'] },
  { code: 'USDC', tickers: [['usdc', 'plain']], names: ['usd coin'] },
  { code: 'WIF', tickers: [['wif', 'context']], names: ['dogwifhat'] },
  { code: 'SAND', tickers: [['sand', 'context']], names: ['the sandbox'] },
];

/** Words that say a market is meant when they stand right beside a ticker or a word-like name. */
const MARKET_WORDS = new Set(
  `token tokens coin coins price prices holders etf etfs staking stakers network futures usd usdt usdc
  ecosystem blockchain mainnet testnet chain airdrop whales traders treasury protocol foundation lumens
  validators rally surges soars jumps plunges dips slides climbs tumbles gains falls rises breakout
  bulls bears longs shorts liquidations unlock unlocks defi dex onchain perpetuals options spot
  investors market`.split(/\s+/),
);
const QUOTES = ['usdt', 'usdc', 'usd', 'eur'];

interface Token {
  readonly text: string;
  readonly lower: string;
  readonly cashtag: boolean;
  /** Written as "(DOT)". */
  readonly parens: boolean;
  /** Followed by "/" and a quote currency: "SOL/USDT". */
  readonly pair: boolean;
  readonly numeric: boolean;
}

function tokenize(title: string): Token[] {
  const out: Token[] = [];
  for (const m of title.matchAll(/[\p{L}\p{N}][\p{L}\p{N}.,]*/gu)) {
    const text = m[0].replace(/[.,]+$/, '');
    const start = m.index;
    const end = start + text.length;
    const before = title[start - 1];
    const after = title.slice(end, end + 6).toLowerCase();
    out.push({
      text,
      lower: text.toLowerCase(),
      cashtag: before === '$',
      parens: before === '(' && title[end] === ')',
      pair: after[0] === '/' && QUOTES.some((q) => after.slice(1).startsWith(q)),
      numeric: /^\d[\d.,]*[kmb]?$/i.test(text),
    });
  }
  return out;
}

/** More than 70% of the letters are capitals: case says nothing about intent. */
function shouting(title: string): boolean {
  const letters = title.match(/\p{L}/gu) ?? [];
  const upper = letters.filter((c) => c !== c.toLowerCase()).length;
  return letters.length >= 8 && upper / letters.length > 0.7;
}

/** plain: any spelling; market: needs a market word beside; cased: capitalised and not after "the", or a market word. */
type NameRule = 'plain' | 'market' | 'cased';

interface NameEntry {
  readonly code: string;
  readonly words: readonly string[];
  readonly rule: NameRule;
  readonly notBefore: readonly string[];
}

const NAMES_BY_FIRST = new Map<string, NameEntry[]>();
const TICKERS = new Map<string, { code: string; rule: TickerRule; notBefore: readonly string[] }>();
for (const c of COINS) {
  const add = (name: string, rule: NameRule) => {
    const words = name.split(' ');
    const list = NAMES_BY_FIRST.get(words[0]!) ?? [];
    list.push({ code: c.code, words, rule, notBefore: c.notBefore ?? [] });
    list.sort((a, b) => b.words.length - a.words.length);
    NAMES_BY_FIRST.set(words[0]!, list);
  };
  for (const n of c.names ?? []) add(n, 'plain');
  for (const n of c.wordNames ?? []) add(n, 'market');
  for (const n of c.casedNames ?? []) add(n, 'cased');
  for (const [t, rule] of c.tickers)
    TICKERS.set(t, { code: c.code, rule, notBefore: c.tickerNotBefore ?? [] });
}

/** Every coin code this module can tag, e.g. for validating a /news argument. */
export const KNOWN_COINS: ReadonlySet<string> = new Set(COINS.map((c) => c.code));

/** A coin named the way a user would ask ("btc", "Bitcoin", "BTC/USDT") → its code, if known. */
export function coinCode(input: string): string | undefined {
  const s = input.trim().toLowerCase();
  const base = s.split(/[/-]/)[0] ?? s;
  const byTicker = TICKERS.get(base);
  if (byTicker) return byTicker.code;
  const byName = NAMES_BY_FIRST.get(base)?.find((n) => n.words.length === 1);
  return byName?.code ?? (KNOWN_COINS.has(base.toUpperCase()) ? base.toUpperCase() : undefined);
}

function marketWordBeside(tokens: readonly Token[], i: number, len = 1): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + len];
  return Boolean((prev && MARKET_WORDS.has(prev.lower)) || (next && MARKET_WORDS.has(next.lower)));
}

function nameCounts(tokens: readonly Token[], i: number, n: NameEntry): boolean {
  if (!n.words.every((w, k) => tokens[i + k]?.lower === w)) return false;
  if (n.notBefore.includes(tokens[i + n.words.length]?.lower ?? '')) return false;
  if (n.rule === 'plain') return true;
  if (marketWordBeside(tokens, i, n.words.length)) return true;
  const t = tokens[i]!;
  return n.rule === 'cased' && t.text[0] !== t.lower[0] && tokens[i - 1]?.lower !== 'the';
}

function tickerCounts(tokens: readonly Token[], i: number, rule: TickerRule, loud: boolean): boolean {
  const t = tokens[i]!;
  if (t.cashtag || t.parens || t.pair) return true;
  if (rule === 'plain') return true;
  if (t.text !== t.text.toUpperCase() || loud) return false;
  if (rule === 'upper') return true;
  return marketWordBeside(tokens, i) || Boolean(tokens[i - 1]?.numeric);
}

/** Coin codes mentioned in `title`, in order of first mention, without duplicates. */
export function tagCoins(title: string): string[] {
  const tokens = tokenize(title);
  const loud = shouting(title);
  const found: string[] = [];
  const add = (code: string) => {
    if (!found.includes(code)) found.push(code);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = NAMES_BY_FIRST.get(t.lower)?.find((n) => nameCounts(tokens, i, n));
    if (name) {
      add(name.code);
      i += name.words.length - 1;
      continue;
    }
    // The quote of a pair ("SOL/USDT") is the price's unit, not what the headline is about.
    if (tokens[i - 1]?.pair && QUOTES.includes(t.lower)) continue;
    const ticker = TICKERS.get(t.lower);
    if (
      ticker &&
      !ticker.notBefore.includes(tokens[i + 1]?.lower ?? '') &&
      tickerCounts(tokens, i, ticker.rule, loud)
    ) {
      add(ticker.code);
      continue;
    }
    // Glued pairs: "SOLUSDT", "BTCUSD".
    const quote = QUOTES.find((q) => t.lower.endsWith(q) && t.lower.length > q.length + 1);
    const glued = quote ? TICKERS.get(t.lower.slice(0, -quote.length)) : undefined;
    if (glued && t.text === t.text.toUpperCase()) add(glued.code);
  }
  return found;
}
