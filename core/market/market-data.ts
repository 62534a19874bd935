/**
 * One interface over every price source: a ccxt exchange (any id; Kraken and Binance first-class) or
 * `sim`, the deterministic simulated market. Amounts and prices that decide money travel as exact
 * decimals: market rules as decimal strings (`amountStep`, `minCost`...), the ticker's `last`, `bid` and
 * `ask` as Decimals holding the venue's own digits. Display-only figures (24 h statistics, candles) are
 * plain numbers.
 */
import type { Decimal } from './decimal.ts';
import type { Candle, Timeframe } from './types.ts';

/** A tradable market as the exchange lists it, with the rules an order must satisfy. */
export interface MarketInfo {
  /** Unified symbol, e.g. "BTC/USDT". */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly active: boolean;
  /** Smallest amount increment in base units, e.g. "0.00001". */
  readonly amountStep: string;
  /** Smallest price increment in quote units, e.g. "0.01". */
  readonly priceStep: string;
  readonly minAmount?: string;
  readonly maxAmount?: string;
  /** Minimum notional (amount × price) in quote units. */
  readonly minCost?: string;
  /** Taker fee as a fraction, when the exchange publishes it. */
  readonly takerFee?: number;
}

export interface Ticker {
  readonly symbol: string;
  /**
   * The prices money decisions use (proposals, risk, triggers, fills), exact as the venue quoted them:
   * never a float on the way. Presenters turn them into numbers at their edge (`displayNumber`).
   */
  readonly last: Decimal;
  readonly bid?: Decimal;
  readonly ask?: Decimal;
  /** 24 h statistics, for display only. */
  readonly high24h?: number;
  readonly low24h?: number;
  readonly open24h?: number;
  readonly baseVolume24h?: number;
  /** Epoch ms of the quote. */
  readonly at: number;
}

export interface CandleQuery {
  /** Open time (epoch ms) of the first candle wanted; default: the last `limit` candles up to now. */
  readonly since?: number;
  /** At most this many candles (default 200). */
  readonly limit?: number;
}

export interface MarketData {
  /** Venue id: "sim", "kraken", "binance"... */
  readonly exchangeId: string;
  markets(): Promise<readonly MarketInfo[]>;
  /** "btc", "BTC", "btc-usdt", "BTCUSDT", "XBT/USD" → the market as the venue lists it. ERR_UNKNOWN_SYMBOL otherwise. */
  resolveMarket(input: string): Promise<MarketInfo>;
  ticker(symbol: string): Promise<Ticker>;
  /** Candles oldest first; the last one may still be forming. */
  candles(symbol: string, timeframe: Timeframe, query?: CandleQuery): Promise<readonly Candle[]>;
  close(): Promise<void>;
}

export const DEFAULT_CANDLE_LIMIT = 200;
export const MAX_CANDLE_LIMIT = 1000;
