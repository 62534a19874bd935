/** Prometheus series of the signal engine (registered once per process on core/metrics). */
import { Counter, Gauge } from 'prom-client';
import { metrics } from '../../core/metrics.ts';

const once = <T>(name: string, make: () => T): T =>
  (metrics.getSingleMetric(name) as T | undefined) ?? make();

export const candlesProcessed = once(
  'cryptopulse_signal_candles_total',
  () =>
    new Counter({
      name: 'cryptopulse_signal_candles_total',
      help: 'Closed candles the signal engine processed, by pair.',
      labelNames: ['pair'] as const,
      registers: [metrics],
    }),
);

export const backfilledCandles = once(
  'cryptopulse_signal_backfilled_candles_total',
  () =>
    new Counter({
      name: 'cryptopulse_signal_backfilled_candles_total',
      help: 'Candles processed more than 10 minutes (market clock) after they closed: back-fill after downtime.',
      labelNames: ['pair'] as const,
      registers: [metrics],
    }),
);

export const signalsOpened = once(
  'cryptopulse_signals_total',
  () =>
    new Counter({
      name: 'cryptopulse_signals_total',
      help: 'Signals the engine opened, by pair and side.',
      labelNames: ['pair', 'side'] as const,
      registers: [metrics],
    }),
);

export const signalOutcomes = once(
  'cryptopulse_signal_outcomes_total',
  () =>
    new Counter({
      name: 'cryptopulse_signal_outcomes_total',
      help: 'Signals closed, by pair and outcome (target, stop, expired).',
      labelNames: ['pair', 'outcome'] as const,
      registers: [metrics],
    }),
);

export const engineLag = once(
  'cryptopulse_signal_engine_lag_seconds',
  () =>
    new Gauge({
      name: 'cryptopulse_signal_engine_lag_seconds',
      help: 'How far (market clock) the engine is behind the last closed candle.',
      registers: [metrics],
    }),
);
