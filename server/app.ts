/**
 * The Fastify app: each concern is an encapsulated plugin under server/routes with its own schemas.
 * Built without listening so tests can `inject()`; server/role.ts listens.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { registerErrorHandler } from './errors.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';

export const API_VERSION = '0.1.0';

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ role: 'api' }) as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // Readiness probes and SSE streams must not be cut by the default timeouts of proxies we sit behind.
    keepAliveTimeout: 65_000,
  });
  registerErrorHandler(app);
  await app.register(cors, { origin: ctx.config.CORS_ORIGINS.length ? ctx.config.CORS_ORIGINS : false });
  await app.register(rateLimit, {
    max: ctx.config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    redis: ctx.redis,
    nameSpace: `${ctx.keys.key('ratelimit')}:`,
    allowList: (req) => ['/health', '/ready', '/metrics'].includes(req.url),
    // The plugin throws what this returns; an AppError goes through the one error mapping.
    errorResponseBuilder: (_req, info) =>
      new AppError('ERR_RATE_LIMITED', 'api rate limit', {
        userMessage: `Rate limit of ${info.max} requests per minute exceeded; retry in ${Math.ceil(info.ttl / 1000)} s.`,
      }) as unknown as object,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'CryptoPulse API', version: API_VERSION, description: 'Signals, PnL and operations.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes(ctx, API_VERSION));
  await app.register(metricsRoutes);
  await app.register(dashboardRoutes());
  return app;
}
