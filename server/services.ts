/**
 * What the API keeps per process besides Fastify: one Redis reader fanning the streams out (the hub),
 * the registry of open SSE connections, a fail-fast Redis connection for request-time reads (rate
 * limit, replay) so an outage answers at once, and the API key store.
 */
import { ApiKeyStore } from '../core/apikeys/store.ts';
import type { AppContext } from '../core/context.ts';
import { createRedis, type Redis } from '../core/redis.ts';
import { StreamHub } from './sse/hub.ts';
import { SseRegistry } from './sse/registry.ts';

export interface ApiOptions {
  /** SSE heartbeat period (15 s, SIGNALS.md); tests shorten it. */
  readonly heartbeatMs?: number;
}

export interface ApiServices {
  readonly hub: StreamHub;
  readonly registry: SseRegistry;
  readonly reads: Redis;
  readonly apiKeys: ApiKeyStore;
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
  return {
    hub,
    registry,
    reads,
    apiKeys: new ApiKeyStore(ctx.db),
    async close() {
      registry.closeAll();
      await hub.stop();
      reads.disconnect();
    },
  };
}
