/**
 * A permanent failure: the order ends through the trading core (`OrderOperations.fail`: FAILED unless
 * the exchange may hold it, see executor.ts), the job is copied to the `orders-dead` queue for an
 * operator, then the owner is told. Only our own words go into the copy (safe-error.ts).
 */
import type { Queue } from 'bullmq';
import type { AppError } from '../core/errors.ts';
import type { OrderOperations } from '../core/trading/executor.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { DeadLetterData } from '../core/trading/order-queue.ts';
import { safeError } from '../core/trading/safe-error.ts';

export async function deadLetter(
  orders: OrderOperations,
  dlq: Queue<DeadLetterData>,
  orderId: OrderId,
  error: AppError,
  attempts: number,
): Promise<void> {
  const safe = safeError(error);
  await orders.fail(orderId, error, attempts, async () => {
    await dlq.add(
      'dead',
      { orderId, code: safe.code, message: safe.message, attempts, at: new Date().toISOString() },
      { jobId: orderId, removeOnComplete: false, removeOnFail: false },
    );
  });
}
