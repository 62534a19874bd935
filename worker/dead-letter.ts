/**
 * A permanent failure: the job is copied to the `orders-dead` queue for an operator and the order ends,
 * unless the exchange may hold it. A live order that was or may have been sent (SUBMITTED, PARTIALLY_FILLED)
 * is never marked FAILED on a guess: it stays open, noted as being checked, and the trigger watcher
 * reconciles it by client order id until the exchange's answer is known (and gives up only after
 * cancelling it there). Only what never left us (QUEUED, paper) becomes FAILED. Error text from the
 * exchange is never stored: the code, the error class and our own sentence (safe-error.ts).
 */
import type { Queue } from 'bullmq';
import type { AppError } from '../core/errors.ts';
import { type TradingDeps, TX_OPTIONS } from '../core/trading/deps.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { DeadLetterData } from '../core/trading/order-queue.ts';
import { deliver } from '../core/trading/outbox.ts';
import { safeError } from '../core/trading/safe-error.ts';
import { advance, lockOrder, pendingOf, SYSTEM } from '../core/trading/transitions.ts';

const FAILABLE = new Set(['QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED']);
const AT_THE_EXCHANGE = new Set(['SUBMITTED', 'PARTIALLY_FILLED']);

export const CHECKING_MESSAGE =
  'We could not confirm this order with the exchange yet; we keep checking and will tell you the outcome.';

export async function deadLetter(
  deps: TradingDeps,
  dlq: Queue<DeadLetterData>,
  orderId: OrderId,
  error: AppError,
  attempts: number,
): Promise<void> {
  const safe = safeError(error);
  const message = error.userMessage;
  const failed = await deps.db.$transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || !FAILABLE.has(order.status)) return undefined;
    // The exchange answered "no" (fatal): nothing was placed. Otherwise it may hold the order.
    const mayBeThere = error.retryable || error.code === 'ERR_ORDER_UNCERTAIN';
    if (order.mode === 'LIVE' && AT_THE_EXCHANGE.has(order.status) && mayBeThere) {
      await tx.order.update({ where: { id: order.id }, data: { error: CHECKING_MESSAGE } });
      return undefined;
    }
    return advance(tx, order, ['FAILED'], SYSTEM.worker, {
      detail: { ...safe, attempts },
      patch: { error: message },
      notify: [{ type: 'order.failed', extra: { code: error.code, message } }],
    });
  }, TX_OPTIONS);
  await dlq.add(
    'dead',
    { orderId, code: safe.code, message: safe.message, attempts, at: new Date().toISOString() },
    { jobId: orderId, removeOnComplete: false, removeOnFail: false },
  );
  if (failed) await deliver(deps, pendingOf(failed));
}
