/**
 * What people type ("btc", "eth-usdt", "XBTUSD", "sol/usdc") to the market the venue lists. A bare
 * asset picks its quote by preference (USDT, then USD, USDC, EUR), so "btc" is BTC/USDT on Binance and
 * BTC/USD on a Kraken account that lists no BTC/USDT.
 */
import { AppError } from '../errors.ts';
import type { MarketInfo } from './market-data.ts';

export const QUOTE_PREFERENCE = ['USDT', 'USD', 'USDC', 'EUR', 'BTC'] as const;

/** Exchange-specific asset codes people also type. */
const ALIASES: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };

function canonical(asset: string): string {
  return ALIASES[asset] ?? asset;
}

function quoteRank(quote: string): number {
  const i = (QUOTE_PREFERENCE as readonly string[]).indexOf(quote);
  return i < 0 ? QUOTE_PREFERENCE.length : i;
}

function unknown(input: string): AppError {
  const shown = input.slice(0, 24);
  return new AppError('ERR_UNKNOWN_SYMBOL', `unknown symbol "${shown}"`, {
    userMessage: `I do not know the market "${shown}". Try a symbol such as BTC or ETH/USDT.`,
    details: { input: shown },
  });
}

/**
 * The venue's main quote currency: the one "btc" resolves to (USDT on Binance, USD on Kraken), else
 * the most preferred quote any active market uses. Paper accounts hold their cash in it.
 */
export function mainQuote(markets: readonly MarketInfo[]): string {
  const active = markets.filter((m) => m.active);
  const btc = active
    .filter((m) => canonical(m.base) === 'BTC')
    .sort((a, b) => quoteRank(canonical(a.quote)) - quoteRank(canonical(b.quote)))[0];
  if (btc && quoteRank(canonical(btc.quote)) < QUOTE_PREFERENCE.length) return canonical(btc.quote);
  const quotes = [...new Set(active.map((m) => canonical(m.quote)))].sort(
    (a, b) => quoteRank(a) - quoteRank(b),
  );
  return quotes[0] ?? 'USDT';
}

/** "There is no ETH/EUR market here; ETH trades against USD, e.g. ETH/USD." */
function noSuchPair(input: string, base: string, quote: string, others: readonly string[]): AppError {
  const shown = input.slice(0, 24);
  return new AppError('ERR_UNKNOWN_SYMBOL', `no market ${base}/${quote}`, {
    userMessage: `There is no ${base}/${quote} market on this exchange; ${base} trades against ${others.join(', ')} here, e.g. ${base}/${others[0]}.`,
    details: { input: shown, base, quote, quotes: [...others] },
  });
}

/** The listed market for `input`, or ERR_UNKNOWN_SYMBOL. Inactive markets do not match. */
export function pickMarket(markets: readonly MarketInfo[], input: string): MarketInfo {
  const text = input.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,12}([/\-_ :][A-Z0-9]{1,12})?$/.test(text)) throw unknown(input);
  const active = markets.filter((m) => m.active);
  const parts = text.split(/[/\-_ :]/);
  if (parts.length === 2) {
    const [base, quote] = parts.map((p) => canonical(p!));
    const found = active.find((m) => canonical(m.base) === base && canonical(m.quote) === quote);
    if (found) return found;
    // The coin exists against other quotes: say which, instead of "unknown market".
    const others = active
      .filter((m) => canonical(m.base) === base)
      .map((m) => canonical(m.quote))
      .sort((a, b) => quoteRank(a) - quoteRank(b));
    if (others.length) throw noSuchPair(input, base!, quote!, [...new Set(others)]);
    throw unknown(input);
  }
  const asset = canonical(text);
  const byBase = active
    .filter((m) => canonical(m.base) === asset)
    .sort((a, b) => quoteRank(canonical(a.quote)) - quoteRank(canonical(b.quote)));
  if (byBase[0]) return byBase[0];
  // Concatenated pair such as BTCUSDT or XBTUSD.
  const joined = active.find((m) =>
    spellings(m.base).some((b) => spellings(m.quote).some((q) => `${b}${q}` === text)),
  );
  if (joined) return joined;
  throw unknown(input);
}

/** Every way an asset may be typed: its code and the aliases that mean it. */
function spellings(asset: string): string[] {
  const target = canonical(asset);
  return [...new Set([asset, target, ...Object.keys(ALIASES).filter((alias) => ALIASES[alias] === target)])];
}
