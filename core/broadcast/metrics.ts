/** The broadcaster's Prometheus series (GET /metrics of the process running the role). */
import { Counter, Gauge, Histogram } from 'prom-client';
import { metrics } from '../metrics.ts';

export const deliveriesTotal = new Counter({
  name: 'cryptopulse_broadcast_deliveries_total',
  help: 'Signal cards and lifecycle replies by platform and outcome (delivered, dead, uncertain).',
  labelNames: ['platform', 'outcome'] as const,
  registers: [metrics],
});

export const retriesTotal = new Counter({
  name: 'cryptopulse_broadcast_retries_total',
  help: 'Delivery attempts that failed and will be retried, by platform.',
  labelNames: ['platform'] as const,
  registers: [metrics],
});

export const deadLettersTotal = new Counter({
  name: 'cryptopulse_broadcast_dead_letters_total',
  help: 'Deliveries moved to signals:dlq, by platform and why (attempts, refused, paused, uncertain, invalid).',
  labelNames: ['platform', 'why'] as const,
  registers: [metrics],
});

export const deliverySeconds = new Histogram({
  name: 'cryptopulse_broadcast_delivery_seconds',
  help: 'Time from the XADD of a signal entry to its delivery in a chat.',
  labelNames: ['platform', 'kind'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [metrics],
});

export const pausedSubscriptions = new Gauge({
  name: 'cryptopulse_broadcast_paused_subscriptions',
  help: 'Subscriptions paused because their chat refused messages permanently.',
  registers: [metrics],
});
