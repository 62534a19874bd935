/** The process' MarketData from configuration: `sim` or a ccxt exchange, tickers cached in Redis. */
import type { AppContext } from '../context.ts';
import { CcxtMarketData } from './ccxt-market.ts';
import type { MarketData } from './market-data.ts';
import { SimMarketData, simOptions } from './sim/sim-market.ts';
import { CachedMarketData } from './ticker-cache.ts';

export function createMarketData(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>): CachedMarketData {
  const { config } = ctx;
  const inner: MarketData =
    config.EXCHANGE === 'sim'
      ? new SimMarketData(simOptions(config))
      : new CcxtMarketData(config.EXCHANGE, {
          apiBase: config.EXCHANGE_API_BASE,
          timeoutMs: config.EXCHANGE_TIMEOUT_MS,
          throttle: config.EXCHANGE_THROTTLE,
        });
  return new CachedMarketData(inner, ctx.redis, ctx.keys, { ttlMs: config.TICKER_TTL_MS });
}
