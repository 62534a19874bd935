/** One Prometheus registry per process; modules register their counters here. */
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export const metrics = new Registry();
collectDefaultMetrics({ register: metrics, prefix: 'cryptopulse_' });

export const errorsTotal = new Counter({
  name: 'cryptopulse_errors_total',
  help: 'Internal failures by error code and where they happened.',
  labelNames: ['code', 'where'] as const,
  registers: [metrics],
});
