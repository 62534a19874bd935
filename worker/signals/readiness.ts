/**
 * Readiness of the signal engine: not ready while it is more than SIGNAL_MAX_LAG_SECONDS (market
 * clock) behind the last closed candle, e.g. while back-filling after downtime.
 *
 * In the process that runs the engine, a plugin the api role mounts answers /ready with 503 and the
 * reason. For an API process without the engine, `signalsReadiness` reads the engine's heartbeat
 * from Redis (written every pass) and gives the same verdict as a /ready check.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Redis, RedisKeys } from '../../core/redis.ts';

const heartbeatKey = (keys: RedisKeys) => keys.key('signals', 'engine', 'heartbeat');

export async function writeHeartbeat(redis: Redis, keys: RedisKeys, lagSeconds: number): Promise<void> {
  await redis.set(heartbeatKey(keys), JSON.stringify({ lagSeconds, at: Date.now() }), 'EX', 3_600);
}

export interface ReadinessCheck {
  readonly name: 'signals';
  readonly ok: boolean;
  readonly error?: string;
}

function verdict(lagSeconds: number, maxLagSeconds: number): ReadinessCheck {
  if (!Number.isFinite(lagSeconds))
    return { name: 'signals', ok: false, error: 'the signal engine has not caught up yet' };
  return lagSeconds > maxLagSeconds
    ? {
        name: 'signals',
        ok: false,
        error: `the signal engine is ${Math.round(lagSeconds)} s behind (bound ${maxLagSeconds} s)`,
      }
    : { name: 'signals', ok: true };
}

/** For an API process without the engine: the last heartbeat's verdict (no heartbeat: not ready). */
export async function signalsReadiness(
  redis: Redis,
  keys: RedisKeys,
  maxLagSeconds: number,
): Promise<ReadinessCheck> {
  const raw = await redis.get(heartbeatKey(keys));
  const lag = raw ? (JSON.parse(raw) as { lagSeconds: number }).lagSeconds : Number.POSITIVE_INFINITY;
  return verdict(lag ?? Number.POSITIVE_INFINITY, maxLagSeconds);
}

/** Mounted by the api role of the same process: /ready answers 503 while the engine lags. */
export function readinessPlugin(lag: () => number, maxLagSeconds: number): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url !== '/ready') return;
      const check = verdict(lag(), maxLagSeconds);
      if (!check.ok) return reply.code(503).send({ status: 'not ready', checks: [check] });
    });
  };
  // Applies to the whole app (fastify-plugin's marker), not only to routes inside this plugin.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
