import type { FastifyPluginAsync } from 'fastify';
import { metrics } from '../../core/metrics.ts';

export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
};
