/**
 * The `orders` job: execute one order by id through the executor of its mode (core/trading/executor.ts).
 * Retryable failures are thrown back to BullMQ (exponential backoff with jitter) while attempts remain; a
 * fatal failure, or the last attempt, dead-letters the order and ends the job with UnrecoverableError so
 * BullMQ does not retry it.
 */
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { toAppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { errorsTotal } from '../core/metrics.ts';
import { asServiceError } from '../core/trading/deps.ts';
import type { ExecutionOutcome, OrderOperations } from '../core/trading/executor.ts';
import type { DeadLetterData, OrderJobData } from '../core/trading/order-queue.ts';
import { safeError } from '../core/trading/safe-error.ts';
import { deadLetter } from './dead-letter.ts';

export interface OrderJobResult {
  readonly outcome: ExecutionOutcome['kind'];
  readonly status?: string;
}

export function orderProcessor(orders: OrderOperations, logger: Logger, dlq: Queue<DeadLetterData>) {
  return async (job: Job<OrderJobData>): Promise<OrderJobResult> => {
    const { orderId, mode, symbol } = job.data;
    try {
      // The executor of the order's mode; one another executor took over comes back skipped.
      const outcome = await orders.execute(orderId, { mode, symbol });
      return { outcome: outcome.kind, status: outcome.kind === 'skipped' ? undefined : outcome.order.status };
    } catch (err) {
      const error = toAppError(asServiceError(err));
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? 1);
      errorsTotal.inc({ code: error.code, where: 'orders' });
      const safe = safeError(error);
      logger.warn({ orderId, attempt, retryable: error.retryable, ...safe }, 'order execution failed');
      if (error.retryable && !last) throw new Error(`${safe.code}: ${safe.message}`);
      await deadLetter(orders, dlq, orderId, error, attempt);
      throw new UnrecoverableError(`${safe.code}: ${safe.message}`);
    }
  };
}
