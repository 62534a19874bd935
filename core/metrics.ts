/**
 * One Prometheus registry per process; modules register their counters here. Every series carries the
 * process' roles as the `role` label (set once at start), so one dashboard can tell an api process from a
 * worker when several scrape targets share a job.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const metrics = new Registry();
collectDefaultMetrics({ register: metrics, prefix: 'cryptopulse_' });

/** Labels every series of this process with the roles it runs, e.g. `api` or `api,worker,signals`. */
export function setMetricsRole(roles: readonly string[]): void {
  metrics.setDefaultLabels({ role: [...roles].sort().join(',') || 'none' });
}

export const errorsTotal = new Counter({
  name: 'cryptopulse_errors_total',
  help: 'Internal failures by error code and where they happened.',
  labelNames: ['code', 'where'] as const,
  registers: [metrics],
});

// ---- HTTP API (server/)

export const httpRequests = new Counter({
  name: 'cryptopulse_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metrics],
});

export const httpDuration = new Histogram({
  name: 'cryptopulse_http_request_duration_seconds',
  help: 'Time from request to response, by method and route pattern.',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metrics],
});

export const rateLimitCalls = new Counter({
  name: 'cryptopulse_api_rate_limit_calls_total',
  help: 'Redis script calls of the API rate limit (each counts every request that arrived since the one before).',
  registers: [metrics],
});

export const sseConnections = new Gauge({
  name: 'cryptopulse_sse_connections',
  help: 'Open Server-Sent Events connections, by stream.',
  labelNames: ['stream'] as const,
  registers: [metrics],
});

export const sseEventsSent = new Counter({
  name: 'cryptopulse_sse_events_sent_total',
  help: 'Events written to SSE clients (replayed and live), by stream.',
  labelNames: ['stream', 'phase'] as const,
  registers: [metrics],
});

export const sseSlowClientsDropped = new Counter({
  name: 'cryptopulse_sse_slow_clients_dropped_total',
  help: 'SSE clients disconnected because their unsent buffer passed SSE_CLIENT_BUFFER_BYTES.',
  labelNames: ['stream'] as const,
  registers: [metrics],
});

export const sseRefused = new Counter({
  name: 'cryptopulse_sse_refused_total',
  help: 'SSE connections refused, by reason (per-address cap, shutting down).',
  labelNames: ['reason'] as const,
  registers: [metrics],
});

export const sseStreamLag = new Histogram({
  name: 'cryptopulse_sse_stream_lag_seconds',
  help: 'Age of a stream entry (from its Redis id) when the API process read it for fan-out.',
  labelNames: ['stream'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
  registers: [metrics],
});

export const candleUpstreamCalls = new Counter({
  name: 'cryptopulse_api_candle_upstream_calls_total',
  help: 'Candle fetches from the exchange for /v1/candles (shared by every viewer through the cache).',
  registers: [metrics],
});
