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
