/**
 * What the API keeps per process besides Fastify: one Redis reader fanning the streams out (the hub),
 * the registry of open SSE connections, a fail-fast Redis connection for request-time reads (rate
 * limit, replay) so an outage answers at once, and the API key store.
 */
import { once } from 'node:events';
import { ApiKeyStore } from '../core/apikeys/store.ts';
import type { AppContext } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import type { MarketData } from '../core/market/market-data.ts';
import { createRedis, type Redis } from '../core/redis.ts';
import { CandleCache } from './candle-cache.ts';
import { CursorSigner } from './cursor.ts';
import { StreamHub } from './sse/hub.ts';
import { SseRegistry } from './sse/registry.ts';

export interface ApiOptions {
  /** SSE heartbeat period (15 s, SIGNALS.md); tests shorten it. */
  readonly heartbeatMs?: number;
  /** The process' market data (cli/services.ts); absent: the API builds and closes its own. */
  readonly market?: MarketData;
}

/**
 * A fail-fast connection refuses commands until it is connected; at start (or right after an outage)
 * wait a moment for it instead of answering 503 to the first requests.
 */
export async function whenConnected(redis: Redis, timeoutMs = 2_000): Promise<Redis> {
  if (redis.status === 'ready') return redis;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await once(redis, 'ready', { signal: timeout });
  } catch {
    throw new AppError('ERR_UNAVAILABLE', `redis not connected (${redis.status})`);
  }
  return redis;
}

export interface ApiServices {
  readonly hub: StreamHub;
  readonly registry: SseRegistry;
  readonly reads: Redis;
  readonly apiKeys: ApiKeyStore;
  readonly cursors: CursorSigner;
  readonly market: MarketData;
  readonly candles: CandleCache;
  close(): Promise<void>;
}

export function createApiServices(ctx: AppContext, options: ApiOptions = {}): ApiServices {
  const reads = createRedis({ url: ctx.config.REDIS_URL, name: 'api-reads', failFast: true });
  // Errors surface on the commands that fail; the connection itself retries quietly.
  reads.on('error', () => undefined);
  const hubRedis = createRedis({ url: ctx.config.REDIS_URL, name: 'api-stream-hub' });
  hubRedis.on('error', () => undefined);
  const hub = new StreamHub(hubRedis, ctx.keys, ctx.logger.child({ component: 'sse-hub' }));
  const registry = new SseRegistry({
    maxPerAddress: ctx.config.SSE_MAX_CONNECTIONS_PER_IP,
    heartbeatMs: options.heartbeatMs,
  });
  const market = options.market ?? createMarketData(ctx);
  return {
    hub,
    registry,
    reads,
    apiKeys: new ApiKeyStore(ctx.db),
    cursors: new CursorSigner(ctx),
    market,
    // The fail-fast connection: with Redis down the cache is skipped (one upstream call per process),
    // where the queueing one would hold every candle request until Redis came back.
    candles: new CandleCache(market, reads, ctx.keys),
    async close() {
      registry.closeAll();
      await hub.stop();
      if (!options.market) await market.close().catch(() => undefined);
      reads.disconnect();
    },
  };
}
