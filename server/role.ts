import type { FastifyPluginAsync } from 'fastify';
import type { AppContext, RoleHandle, RoleRuntime } from '../core/context.ts';
import { buildApp } from './app.ts';
import type { ApiOptions } from './services.ts';

export async function startApiRole(
  ctx: AppContext,
  runtime?: RoleRuntime,
  options: ApiOptions = {},
): Promise<RoleHandle> {
  const app = await buildApp(ctx, options);
  for (const plugin of runtime?.httpPlugins ?? []) await app.register(plugin as FastifyPluginAsync);
  await app.listen({ port: ctx.config.API_PORT, host: ctx.config.API_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.API_PORT;
  const host = ctx.config.API_HOST === '0.0.0.0' ? '127.0.0.1' : ctx.config.API_HOST;
  return {
    name: 'api',
    summary: `API on http://${host}:${port} (health /health, docs /docs, metrics /metrics)`,
    // close() stops accepting connections and waits for in-flight requests.
    stop: () => app.close(),
  };
}
