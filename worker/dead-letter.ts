/**
 * A permanent failure: the order becomes FAILED (unless it already reached a final state), its job is
 * copied to the `orders-dead` queue for an operator, and the owner is told.
 */
import type { Queue } from 'bullmq';
import type { AppError } from '../core/errors.ts';
import type { TradingDeps } from '../core/trading/deps.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { DeadLetterData } from '../core/trading/order-queue.ts';
import { advance, lockOrder, SYSTEM } from '../core/trading/transitions.ts';
import { orderEvent } from '../core/trading/views.ts';

const FAILABLE = new Set(['QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED']);

export async function deadLetter(
  deps: TradingDeps,
  dlq: Queue<DeadLetterData>,
  orderId: OrderId,
  error: AppError,
  attempts: number,
): Promise<void> {
  const uncertain = error.code === 'ERR_ORDER_UNCERTAIN';
  const message = uncertain
    ? 'We could not confirm this order with the exchange. Please check your exchange account before trying again.'
    : error.userMessage;
  const failed = await deps.db.$transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || !FAILABLE.has(order.status)) return undefined;
    return advance(tx, order, ['FAILED'], SYSTEM.worker, {
      detail: { code: error.code, attempts, message: error.message.slice(0, 500) },
      patch: { error: message },
    });
  });
  await dlq.add(
    'dead',
    {
      orderId,
      code: error.code,
      message: error.message.slice(0, 500),
      attempts,
      at: new Date().toISOString(),
    },
    { jobId: orderId, removeOnComplete: false, removeOnFail: false },
  );
  if (failed) await deps.events.publish([orderEvent(failed, 'order.failed', { code: error.code, message })]);
}
