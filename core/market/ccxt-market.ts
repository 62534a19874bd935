/**
 * MarketData over any ccxt exchange: markets with their precision and limits, tickers, candles. The
 * exchange runs in ccxt's string-number mode, so ticker prices are the venue's own decimal strings,
 * turned into Decimals here and never into floats (a double holds ~15 significant digits; a venue may
 * quote more, and a mid of bid and ask computed in floats is not the mid).
 */

import type { Exchange, MarketInterface } from 'ccxt';
import { AppError } from '../errors.ts';
import { mapExchangeError } from './ccxt-errors.ts';
import { type CcxtExchangeOptions, createCcxtExchange } from './ccxt-exchange.ts';
import { type Decimal, dec, stepString } from './decimal.ts';
import {
  type CandleQuery,
  DEFAULT_CANDLE_LIMIT,
  MAX_CANDLE_LIMIT,
  type MarketData,
  type MarketInfo,
  type Ticker,
} from './market-data.ts';
import { rememberPrecision } from './precision.ts';
import { pickMarket } from './symbols.ts';
import { type Candle, type Timeframe, timeframeMs } from './types.ts';

// ccxt precision modes (ccxt/js/src/base/functions/number.js).
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

function step(exchange: Exchange, precision: number | undefined): string {
  if (precision === undefined || precision === null) return '0.00000001';
  if (exchange.precisionMode === DECIMAL_PLACES) return stepString(`1e-${precision}`);
  if (exchange.precisionMode === TICK_SIZE) return stepString(precision);
  // Significant digits cannot be one step; fall back to satoshis.
  return '0.00000001';
}

const optional = (n: number | string | undefined | null): string | undefined =>
  n === undefined || n === null ? undefined : stepString(n);

/**
 * A value of a string-number ccxt exchange (the venue's string; a number where ccxt computed one itself)
 * as an exact positive Decimal, or undefined when absent or not a price.
 */
export function venuePrice(value: unknown): Decimal | undefined {
  if ((typeof value !== 'string' || value.trim() === '') && typeof value !== 'number') return undefined;
  try {
    const d = dec(value);
    return d.isFinite() && d.gt(0) ? d : undefined;
  } catch {
    return undefined; // decimal.js refuses what is not a number
  }
}

/** A display-only figure (24 h statistics, candles, the fee rate) of a string-number exchange as a number. */
function venueNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function toMarketInfo(exchange: Exchange, m: MarketInterface): MarketInfo {
  return {
    symbol: m.symbol,
    base: m.base,
    quote: m.quote,
    active: m.active !== false,
    amountStep: step(exchange, m.precision.amount),
    priceStep: step(exchange, m.precision.price),
    minAmount: optional(m.limits.amount?.min),
    maxAmount: optional(m.limits.amount?.max),
    minCost: optional(m.limits.cost?.min),
    takerFee: venueNumber(m.taker),
  };
}

export class CcxtMarketData implements MarketData {
  readonly exchangeId: string;
  private readonly exchange: Exchange;
  private loading: Promise<readonly MarketInfo[]> | undefined;
  /** ccxt keeps a failed load's rejected promise; after a failure we must ask it to reload. */
  private failedBefore = false;

  constructor(exchangeId: string, options: CcxtExchangeOptions = {}) {
    this.exchangeId = exchangeId;
    this.exchange = createCcxtExchange(exchangeId, { ...options, stringNumbers: true });
  }

  markets(): Promise<readonly MarketInfo[]> {
    this.loading ??= this.exchange
      .loadMarkets(this.failedBefore)
      .then((all) =>
        Object.values(all)
          .filter((m): m is MarketInterface => !!m && m.spot === true)
          .map((m) => toMarketInfo(this.exchange, m)),
      )
      .then((markets) => {
        rememberPrecision(markets);
        return markets;
      })
      .catch((err: unknown) => {
        this.loading = undefined; // the next caller tries again
        this.failedBefore = true;
        throw mapExchangeError(err, this.exchangeId, 'loadMarkets');
      });
    return this.loading;
  }

  async resolveMarket(input: string): Promise<MarketInfo> {
    return pickMarket(await this.markets(), input);
  }

  private async known(symbol: string): Promise<MarketInfo> {
    const found = (await this.markets()).find((m) => m.symbol === symbol);
    if (!found) throw new AppError('ERR_UNKNOWN_SYMBOL', `${this.exchangeId} does not list ${symbol}`);
    return found;
  }

  async ticker(symbol: string): Promise<Ticker> {
    await this.known(symbol);
    try {
      const t = await this.exchange.fetchTicker(symbol);
      const bid = venuePrice(t.bid);
      const ask = venuePrice(t.ask);
      const last =
        venuePrice(t.last) ?? venuePrice(t.close) ?? (bid && ask ? bid.add(ask).div(2) : undefined);
      if (last === undefined) {
        throw new AppError('ERR_EXCHANGE_UNAVAILABLE', `${this.exchangeId} sent a ticker without a price`);
      }
      return {
        symbol,
        last,
        bid,
        ask,
        high24h: venueNumber(t.high),
        low24h: venueNumber(t.low),
        open24h: venueNumber(t.open),
        baseVolume24h: venueNumber(t.baseVolume),
        at: venueNumber(t.timestamp) ?? Date.now(),
      };
    } catch (err) {
      throw mapExchangeError(err, this.exchangeId, 'fetchTicker');
    }
  }

  async candles(symbol: string, timeframe: Timeframe, query: CandleQuery = {}): Promise<readonly Candle[]> {
    await this.known(symbol);
    if (!this.exchange.timeframes || !(timeframe in this.exchange.timeframes)) {
      throw new AppError('ERR_VALIDATION', `${this.exchangeId} has no ${timeframe} candles`, {
        userMessage: `${this.exchangeId} does not offer ${timeframe} candles.`,
      });
    }
    const limit = Math.min(query.limit ?? DEFAULT_CANDLE_LIMIT, MAX_CANDLE_LIMIT);
    const tf = timeframeMs(timeframe);
    const since = query.since ?? Math.floor(Date.now() / tf) * tf - (limit - 1) * tf;
    try {
      const rows = await this.exchange.fetchOHLCV(symbol, timeframe, since, limit);
      return rows
        .map(([t, o, h, l, c, v]) => ({
          t: venueNumber(t),
          o: venueNumber(o)!,
          h: venueNumber(h)!,
          l: venueNumber(l)!,
          c: venueNumber(c)!,
          v: venueNumber(v) ?? 0,
        }))
        .filter((r): r is Candle => r.t !== undefined && r.t > since - tf)
        .slice(-limit);
    } catch (err) {
      throw mapExchangeError(err, this.exchangeId, 'fetchOHLCV');
    }
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }
}
