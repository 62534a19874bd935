/** HTTP requests by route pattern and status, with latency (SSE streams are counted by core/metrics' sse_*). */
import type { FastifyInstance } from 'fastify';
import { httpDuration, httpRequests } from '../../core/metrics.ts';

export function registerHttpMetrics(app: FastifyInstance): void {
  // A callback hook: nothing here waits, and an async hook costs a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    // The pattern, never the raw URL: ids and query strings would make unbounded label sets.
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    httpRequests.inc({ method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
    done();
  });
}
