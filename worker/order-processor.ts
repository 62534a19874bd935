/**
 * The `orders` job: execute one order by id, paper or live. Retryable failures are thrown back to BullMQ
 * (exponential backoff with jitter) while attempts remain; a fatal failure, or the last attempt, dead-
 * letters the order and ends the job with UnrecoverableError so BullMQ does not retry it.
 */
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { toAppError } from '../core/errors.ts';
import { errorsTotal } from '../core/metrics.ts';
import { asServiceError, type TradingMode } from '../core/trading/deps.ts';
import type { LiveDeps } from '../core/trading/live-executor.ts';
import { executeLiveOrder, SupersededError } from '../core/trading/live-executor.ts';
import type { DeadLetterData, OrderJobData } from '../core/trading/order-queue.ts';
import { executePaperOrder } from '../core/trading/paper-broker.ts';
import { safeError } from '../core/trading/safe-error.ts';
import { deadLetter } from './dead-letter.ts';

export interface OrderJobResult {
  readonly outcome: 'filled' | 'resting' | 'rejected' | 'expired' | 'skipped';
  readonly status?: string;
}

async function modeOf(deps: LiveDeps, orderId: string): Promise<TradingMode | undefined> {
  const order = await deps.db.order.findUnique({ where: { id: orderId }, select: { mode: true } });
  return order?.mode;
}

export function orderProcessor(deps: LiveDeps, dlq: Queue<DeadLetterData>) {
  return async (job: Job<OrderJobData>): Promise<OrderJobResult> => {
    const { orderId } = job.data;
    try {
      const mode = job.data.mode ?? (await modeOf(deps, orderId));
      if (!mode) return { outcome: 'skipped' };
      const outcome =
        mode === 'LIVE'
          ? await executeLiveOrder(deps, orderId)
          : await executePaperOrder(deps, orderId, { symbol: job.data.symbol });
      return { outcome: outcome.kind, status: outcome.kind === 'skipped' ? undefined : outcome.order.status };
    } catch (err) {
      // Another executor holds the order now (this one's lock connection failed): it finishes the job.
      if (err instanceof SupersededError) return { outcome: 'skipped' };
      const error = toAppError(asServiceError(err));
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? 1);
      errorsTotal.inc({ code: error.code, where: 'orders' });
      const safe = safeError(error);
      deps.logger.warn({ orderId, attempt, retryable: error.retryable, ...safe }, 'order execution failed');
      if (error.retryable && !last) throw new Error(`${safe.code}: ${safe.message}`);
      await deadLetter(deps, dlq, orderId, error, attempt);
      throw new UnrecoverableError(`${safe.code}: ${safe.message}`);
    }
  };
}
