/**
 * The owner cancels an order that has not executed: a proposal, a conditional order waiting for its
 * price (its trigger is cancelled with it), a queued order the worker has not claimed yet, or a resting
 * paper limit order (its reserved balance returns). A live order open at the exchange is marked as
 * to be cancelled (cancelRequestedAt) and the worker, which holds the exchange clients, cancels it there
 * on its next pass; its owner is told what the exchange reports (cancelled, or filled first).
 */
import { AppError } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor } from '../identity/types.ts';
import { parseActor, type TradingDeps, TX_OPTIONS, userRef } from './deps.ts';
import { deliver } from './outbox.ts';
import { cancelResting } from './paper-broker.ts';
import { advance, lockOrder, type OrderRow, pendingOf, type Tx } from './transitions.ts';
import { type OrderView, orderView } from './views.ts';

/** An order of `userId` by full id or by a unique prefix of at least 6 hex digits (as chat shows it). */
export async function findOwnOrder(deps: TradingDeps, userId: string, ref: string): Promise<OrderRow> {
  const text = ref.trim().toLowerCase();
  const notFound = () =>
    new AppError('ERR_NOT_FOUND', `no order ${text.slice(0, 40)} for user ${userId}`, {
      userMessage: 'I cannot find that order.',
    });
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) {
    const order = await deps.db.order.findUnique({ where: { id: text } });
    if (!order) throw notFound();
    if (order.userId !== userId)
      throw new AppError('ERR_NOT_OWNER', `order ${text} belongs to someone else`, {
        userMessage: 'That order is not yours.',
      });
    return order;
  }
  if (!/^[0-9a-f-]{6,36}$/.test(text)) throw notFound();
  const ids = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Order" WHERE "userId" = ${userId}::uuid AND id::text LIKE ${`${text}%`} LIMIT 2`;
  if (ids.length === 0) throw notFound();
  if (ids.length > 1) {
    throw new AppError('ERR_VALIDATION', `order prefix ${text} is ambiguous`, {
      userMessage: 'More than one of your orders starts like that; give a few more characters.',
    });
  }
  return deps.db.order.findUniqueOrThrow({ where: { id: ids[0]!.id } });
}

export async function cancelOrder(
  deps: TradingDeps,
  orderRef: string,
  actorInput: Actor,
): Promise<OrderView> {
  const actor = parseActor(actorInput);
  const found = await findOwnOrder(deps, actor.userId, orderRef);
  const order = await deps.db.$transaction(async (tx) => {
    const current = (await lockOrder(tx, found.id))!;
    const atExchange = current.status === 'SUBMITTED' || current.status === 'PARTIALLY_FILLED';
    if (atExchange && current.mode === 'LIVE') return requestLiveCancel(tx, current);
    const resting = current.status === 'SUBMITTED' && current.mode === 'PAPER' && current.type === 'LIMIT';
    if (!['PROPOSED', 'CONFIRMED', 'QUEUED'].includes(current.status) && !resting) {
      throw new AppError('ERR_ORDER_STATE', `order ${current.id} is ${current.status}`, {
        userMessage: `That order is already ${current.status.toLowerCase().replace('_', ' ')}.`,
      });
    }
    await tx.trigger.updateMany({
      where: { orderId: current.id, status: 'ACTIVE' },
      data: { status: 'CANCELLED' },
    });
    // A resting paper order is cancelled at its venue, the paper broker: the reservation returns.
    if (resting) return cancelResting(tx, current, userRef(actor));
    return advance(tx, current, ['CANCELLED'], userRef(actor), {
      detail: { reason: 'cancelled by owner' },
      patch: { reservedAmount: '0', reservedAsset: null },
      notify: [{ type: 'order.cancelled' }],
    });
  }, TX_OPTIONS);
  if (order.cancelRequestedAt)
    await audit(deps.db, {
      actorUserId: actor.userId,
      platform: actor.platform,
      action: 'order.cancel_requested',
      subjectType: 'Order',
      subjectId: order.id,
    });
  else await deliver(deps, pendingOf(order));
  return orderView(order);
}

/** Marks a live order for the worker to cancel at the exchange; asking twice changes nothing. */
async function requestLiveCancel(tx: Tx, order: OrderRow): Promise<OrderRow> {
  if (order.cancelRequestedAt) return order;
  return tx.order.update({ where: { id: order.id }, data: { cancelRequestedAt: new Date() } });
}
