/**
 * Liveness (/health: the process answers) and readiness (/ready: its stores answer, and the signal
 * engine — in this process or any other — keeps up with the candles, read from its heartbeat).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { readinessProbe } from '../../core/signals/heartbeat.ts';

export interface ReadinessCheck {
  readonly name: string;
  readonly probe: () => Promise<unknown>;
}

/** Not ready while the engine is more than `maxLagSeconds` (market clock) behind the last closed candle. */
export function signalEngineCheck(redis: Redis, keys: RedisKeys, maxLagSeconds: number): ReadinessCheck {
  return { name: 'signals', probe: () => readinessProbe(redis, keys, maxLagSeconds) };
}

const checkResult = z.object({
  name: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  /** Extra figures a check reports (e.g. the signal engine's lag in seconds). */
  detail: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
});

const readySchema = z.object({ status: z.enum(['ready', 'not ready']), checks: z.array(checkResult) }).meta({
  example: {
    status: 'ready',
    checks: [
      { name: 'postgres', ok: true },
      { name: 'redis', ok: true },
    ],
  },
});

async function check(c: ReadinessCheck, timeoutMs = 1_500): Promise<z.infer<typeof checkResult>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      c.probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    const isDetail =
      detail !== null && typeof detail === 'object' && !Array.isArray(detail) && 'detail' in detail;
    return isDetail
      ? {
          name: c.name,
          ok: true,
          detail: (detail as { detail: Record<string, number | string | null> }).detail,
        }
      : { name: c.name, ok: true };
  } catch (err) {
    const detail = (err as { detail?: Record<string, number | string | null> }).detail;
    return {
      name: c.name,
      ok: false,
      error: err instanceof Error ? err.message : String(err),
      ...(detail ? { detail } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: readonly ReadinessCheck[], version: string): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          tags: ['ops'],
          summary: 'Liveness: the process answers',
          response: {
            200: z
              .object({ status: z.literal('ok'), uptimeSeconds: z.number(), version: z.string() })
              .meta({ example: { status: 'ok', uptimeSeconds: 42, version } }),
          },
        },
      },
      async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()), version }),
    );

    app.get(
      '/ready',
      {
        schema: {
          tags: ['ops'],
          summary: 'Readiness: each store answers and the signal engine keeps up',
          response: { 200: readySchema, 503: readySchema.describe('At least one check failed.') },
        },
      },
      async (_req, reply) => {
        const results = await Promise.all(checks.map((c) => check(c)));
        const ready = results.every((c) => c.ok);
        if (!ready) reply.header('retry-after', 5);
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not ready', checks: results });
      },
    );
  };
}
