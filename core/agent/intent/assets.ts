/**
 * Asset names people type. "Strong" spellings are recognised anywhere in a sentence; "weak" ones are
 * also English words ("near", "op", "ton", "link", "one"), so they count only in a slot where a market
 * is expected ("buy 10 link", "price of near").
 */
import { dict } from './dict.ts';

const STRONG = dict({
  btc: 'BTC',
  bitcoin: 'BTC',
  bitcoins: 'BTC',
  xbt: 'BTC',
  sats: 'BTC',
  eth: 'ETH',
  ether: 'ETH',
  ethereum: 'ETH',
  sol: 'SOL',
  solana: 'SOL',
  xrp: 'XRP',
  ripple: 'XRP',
  ada: 'ADA',
  cardano: 'ADA',
  doge: 'DOGE',
  dogecoin: 'DOGE',
  dot: 'DOT',
  polkadot: 'DOT',
  ltc: 'LTC',
  litecoin: 'LTC',
  bnb: 'BNB',
  avax: 'AVAX',
  avalanche: 'AVAX',
  chainlink: 'LINK',
  matic: 'MATIC',
  polygon: 'MATIC',
  pol: 'POL',
  trx: 'TRX',
  tron: 'TRX',
  shib: 'SHIB',
  shiba: 'SHIB',
  uni: 'UNI',
  uniswap: 'UNI',
  atom: 'ATOM',
  cosmos: 'ATOM',
  xlm: 'XLM',
  stellar: 'XLM',
  apt: 'APT',
  aptos: 'APT',
  arb: 'ARB',
  arbitrum: 'ARB',
  optimism: 'OP',
  toncoin: 'TON',
  pepe: 'PEPE',
  sui: 'SUI',
  bch: 'BCH',
  fil: 'FIL',
  filecoin: 'FIL',
  aave: 'AAVE',
  xmr: 'XMR',
  monero: 'XMR',
  algo: 'ALGO',
  algorand: 'ALGO',
  hbar: 'HBAR',
  hedera: 'HBAR',
  inj: 'INJ',
  injective: 'INJ',
  wif: 'WIF',
  bonk: 'BONK',
  usdt: 'USDT',
  tether: 'USDT',
  usdc: 'USDC',
});

const WEAK = dict({ near: 'NEAR', op: 'OP', ton: 'TON', link: 'LINK' });

/** Multi-word names, replaced before tokenising. */
export const MULTI_WORD_ASSETS: readonly [RegExp, string][] = [
  [/\bbitcoin cash\b/g, 'bch'],
  [/\bshiba inu\b/g, 'shib'],
  [/\bbinance coin\b/g, 'bnb'],
  [/\bnear protocol\b/g, 'near'],
];

export const QUOTE_WORDS = dict({
  usdt: 'USDT',
  usdc: 'USDC',
  usd: 'USD',
  dollar: 'USD',
  dollars: 'USD',
  buck: 'USD',
  bucks: 'USD',
  eur: 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  gbp: 'GBP',
  pounds: 'GBP',
});

/** Words that can never be an unknown ticker in a market slot. */
const NOT_TICKERS = new Set(
  `a an the of my me i it its it's is are was be to at for in on with and or but if when once then than
  now all any some half quarter third worth price prices chart graph please pls buy sell get order orders
  market limit stop much many what whats how do does did you your can could would should will this that
  these those there here so up down over under above below more less per each just only also too very
  coin coins token tokens crypto today tomorrow yesterday hour hours day days week weeks month months
  again first last next value trading trade current currently right go going dip dips drop drops fall
  falls rise rises hits hit reach reaches back about around near entire everything whole bag bags stack
  position worth amount quote instead maybe not no yes ok okay hi hello hey thanks thank price's
  one two three four five six seven eight nine ten know tell let set show check give see look want need
  like think make sure alert alerts notify ping remind me us we they them he she his her who why where
  which whom has have had am been being doing done goes gets got put into onto from by as via off out
  level mark area zone usd dollars bucks euro euros each per apiece piece unit units`.split(/\s+/),
);

const TICKER = /^[a-z][a-z0-9]{1,9}$/;

/** Asset ticker for a strong spelling, e.g. "ether" → "ETH". */
export function strongAsset(token: string): string | undefined {
  return STRONG[token];
}

/** Asset ticker for a spelling in a market slot: strong, weak, or an unknown ticker-shaped word. */
export function slotAsset(token: string): string | undefined {
  if (STRONG[token]) return STRONG[token];
  if (WEAK[token]) return WEAK[token];
  if (TICKER.test(token) && !NOT_TICKERS.has(token) && !QUOTE_WORDS[token]) return token.toUpperCase();
  return undefined;
}

/** "eth/usdt", "eth-usdt", "ethusdt", "btc/eur" → "ETH/USDT"...; undefined when not a pair. */
export function pairOf(token: string): string | undefined {
  const split = /^([a-z0-9]{2,10})[/-]([a-z0-9]{2,10})$/.exec(token);
  if (split) {
    const base = slotAsset(split[1]!);
    const quote = QUOTE_WORDS[split[2]!] ?? slotAsset(split[2]!);
    return base && quote ? `${base}/${quote}` : undefined;
  }
  for (const quote of ['usdt', 'usdc', 'usd', 'eur']) {
    if (token.endsWith(quote) && token.length > quote.length + 1) {
      const base = STRONG[token.slice(0, -quote.length)];
      if (base) return `${base}/${QUOTE_WORDS[quote]}`;
    }
  }
  return undefined;
}

/** A market anywhere in a sentence: a pair, or a strong asset name. */
export function strongMarket(token: string): string | undefined {
  return pairOf(token) ?? strongAsset(token);
}

/** A market in a slot: a pair, a strong or weak name, or an unknown ticker-shaped word. */
export function slotMarket(token: string): string | undefined {
  return pairOf(token) ?? slotAsset(token);
}

/** Spellings that must be split from a number glued to them ("0.5btc", "100usdt"). */
export function isAssetOrQuoteWord(word: string): boolean {
  return Boolean(STRONG[word] || WEAK[word] || QUOTE_WORDS[word]);
}
