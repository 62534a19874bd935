/**
 * The Fastify app: each concern is an encapsulated plugin under server/routes with zod schemas, the one
 * source of validation, serialisation and the OpenAPI document (fastify-type-provider-zod: the domain
 * types of core/signals are zod already, so the API reuses them instead of restating them in TypeBox).
 * Built without listening so tests can `inject()`; server/role.ts listens.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../core/context.ts';
import { answerOtherMethods, clientErrorHandler, registerErrorHandler } from './errors.ts';
import { PageCache } from './page-cache.ts';
import { registerAccess } from './plugins/access.ts';
import { registerHttpMetrics } from './plugins/http-metrics.ts';
import { MAX_HEADER_BYTES, registerRequestLimits, requestId } from './plugins/request-limits.ts';
import { RequestLogController } from './plugins/request-log.ts';
import { registerSecurity } from './plugins/security.ts';
import { candleRoutes } from './routes/candles.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes, signalEngineCheck } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { pnlRoutes } from './routes/pnl.ts';
import { sessionRoutes } from './routes/session.ts';
import { signalRoutes } from './routes/signals.ts';
import { streamRoutes } from './routes/streams.ts';
import { type ApiOptions, createApiServices, whenConnected } from './services.ts';
import { SessionSigner } from './session.ts';

export const API_VERSION = '0.1.0';

export type { ApiOptions };

/** TRUST_PROXY as Fastify takes it; a hop count trusts that many proxies in front of us. */
function trustProxy(
  setting: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

export async function buildApp(ctx: AppContext, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ role: 'api' }) as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // Readiness probes and SSE streams must not be cut by the default timeouts of proxies we sit behind.
    keepAliveTimeout: 65_000,
    trustProxy: trustProxy(ctx.config.TRUST_PROXY),
    genReqId: requestId,
    // Request lines at info only for what an operator acts on; the rest at debug.
    logController: new RequestLogController(),
    requestIdHeader: false,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // Node's refusals (431 headers too large, malformed requests) in the one error shape too.
    clientErrorHandler,
    // Longer than any valid id so an over-long one reaches its route and is refused as a 400 naming
    // it, not a 404; the URL as a whole is bounded by maxHeaderSize.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_HEADER_BYTES },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  const methods = answerOtherMethods(app);
  registerRequestLimits(app);
  registerHttpMetrics(app);

  const services = createApiServices(ctx, options);
  // The rate limit counts through the fail-fast connection; give it a moment to connect so the first
  // requests are counted too (Redis down at start: serve, and count once it is back).
  await whenConnected(services.reads).catch(() => undefined);
  // Streams end before Fastify waits for in-flight requests, or an open stream would hold the close.
  app.addHook('preClose', async () => services.registry.closeAll());
  app.addHook('onClose', async () => services.close());

  await registerSecurity(app, ctx.config.CORS_ORIGINS);
  // Request-time reads (a signed-out token) go through the fail-fast connection: Redis down is a 503.
  const sessions = new SessionSigner({ config: ctx.config, redis: services.reads, keys: ctx.keys });
  await registerAccess(app, {
    config: ctx.config,
    apiKeys: services.apiKeys,
    redis: services.reads,
    keys: ctx.keys,
    sessions,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CryptoPulse API',
        version: API_VERSION,
        description:
          'Strategy signals, their track record and live streams (Server-Sent Events with replay). Errors are `{ "error": { "code", "message" } }`.',
      },
      tags: [
        { name: 'signals', description: 'Signals and their lifecycle' },
        { name: 'pnl', description: 'Equity curve and performance of the track record' },
        { name: 'market', description: 'Candles for charts' },
        { name: 'ops', description: 'Health, readiness, metrics' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'cryptopulse apikeys create' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(
    healthRoutes(
      [
        { name: 'postgres', probe: () => ctx.db.$queryRaw`SELECT 1` },
        { name: 'redis', probe: async () => (await whenConnected(services.reads)).ping() },
        signalEngineCheck(ctx.redis, ctx.keys, ctx.config.SIGNAL_MAX_LAG_SECONDS),
      ],
      API_VERSION,
    ),
  );
  await app.register(metricsRoutes(ctx.config.METRICS_TOKEN));
  await app.register(
    streamRoutes({
      hub: services.hub,
      registry: services.registry,
      redis: services.reads,
      maxBufferedBytes: ctx.config.SSE_CLIENT_BUFFER_BYTES,
    }),
  );
  await app.register(
    signalRoutes({ db: ctx.db, cursors: services.cursors, pages: new PageCache(services.hub) }),
  );
  await app.register(pnlRoutes(ctx.db));
  await app.register(sessionRoutes(sessions));
  await app.register(candleRoutes(services.market, services.candles));
  // Last: its catch-all answers paths no other route claims.
  await app.register(dashboardRoutes());
  methods.finish();
  return app;
}
