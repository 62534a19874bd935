/** Liveness (/health: the process answers) and readiness (/ready: its stores answer too). */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../core/context.ts';

const healthSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        status: { type: 'string' },
        uptimeSeconds: { type: 'number' },
        version: { type: 'string' },
      },
      required: ['status'],
    },
  },
} as const;

async function check(name: string, probe: () => Promise<unknown>, timeoutMs = 1_500) {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { name, ok: true } as const;
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) } as const;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(ctx: AppContext, version: string): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', { schema: { tags: ['ops'], summary: 'Liveness', ...healthSchema } }, async () => ({
      status: 'ok',
      uptimeSeconds: Math.round(process.uptime()),
      version,
    }));

    app.get(
      '/ready',
      { schema: { tags: ['ops'], summary: 'Readiness: Postgres and Redis answer' } },
      async (_req, reply) => {
        const checks = await Promise.all([
          check('postgres', () => ctx.db.$queryRaw`SELECT 1`),
          check('redis', () => ctx.redis.ping()),
        ]);
        const ready = checks.every((c) => c.ok);
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
      },
    );
  };
}
