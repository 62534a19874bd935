/** GET /metrics: Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { metrics } from '../../core/metrics.ts';
import { errorBodySchema } from '../schemas/errors.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(token: string | undefined): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['ops'],
          summary: 'Prometheus metrics',
          description: 'Behind `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.',
          response: {
            200: {
              description: 'Prometheus text exposition format.',
              content: {
                'text/plain': {
                  schema: z
                    .string()
                    .meta({ example: 'cryptopulse_sse_connections{stream="signals:paper",role="api"} 3' }),
                },
              },
            },
            401: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        if (token) {
          const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
          if (!m || !sameSecret(m[1]!, token)) {
            throw new AppError('ERR_UNAUTHORIZED', 'metrics token', {
              userMessage: 'This needs the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
            });
          }
        }
        return reply.type(metrics.contentType).send(await metrics.metrics());
      },
    );
  };
}
