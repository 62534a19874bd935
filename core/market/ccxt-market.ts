/** MarketData over any ccxt exchange: markets with their precision and limits, tickers, candles. */

import type { Exchange, MarketInterface } from 'ccxt';
import { AppError } from '../errors.ts';
import { mapExchangeError } from './ccxt-errors.ts';
import { type CcxtExchangeOptions, createCcxtExchange } from './ccxt-exchange.ts';
import { stepString } from './decimal.ts';
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

const optional = (n: number | undefined | null): string | undefined =>
  n === undefined || n === null ? undefined : stepString(n);

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
    takerFee: m.taker ?? undefined,
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
    this.exchange = createCcxtExchange(exchangeId, options);
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
      const last =
        t.last ?? t.close ?? (t.bid !== undefined && t.ask !== undefined ? (t.bid + t.ask) / 2 : undefined);
      if (last === undefined || !Number.isFinite(last)) {
        throw new AppError('ERR_EXCHANGE_UNAVAILABLE', `${this.exchangeId} sent a ticker without a price`);
      }
      return {
        symbol,
        last,
        bid: t.bid ?? undefined,
        ask: t.ask ?? undefined,
        high24h: t.high ?? undefined,
        low24h: t.low ?? undefined,
        open24h: t.open ?? undefined,
        baseVolume24h: t.baseVolume ?? undefined,
        at: t.timestamp ?? Date.now(),
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
        .filter((r) => r[0] !== undefined && r[0] > since - tf)
        .slice(-limit)
        .map(([t, o, h, l, c, v]) => ({ t: t!, o: o!, h: h!, l: l!, c: c!, v: v ?? 0 }));
    } catch (err) {
      throw mapExchangeError(err, this.exchangeId, 'fetchOHLCV');
    }
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }
}
