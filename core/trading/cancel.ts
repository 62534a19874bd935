/**
 * The owner cancels an order that has not executed: a proposal, a conditional order waiting for its
 * price (its trigger is cancelled with it), a queued order the worker has not claimed yet, or a resting
 * paper limit order (its reserved balance returns). Live orders already at the exchange are not
 * cancelled from here.
 */
import { AppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import { parseActor, type TradingDeps, TX_OPTIONS, userRef } from './deps.ts';
import { deliver } from './outbox.ts';
import { cancelResting } from './paper-broker.ts';
import { advance, lockOrder, type OrderRow, pendingOf } from './transitions.ts';
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
    const resting = current.status === 'SUBMITTED' && current.mode === 'PAPER' && current.type === 'LIMIT';
    if (!['PROPOSED', 'CONFIRMED', 'QUEUED'].includes(current.status) && !resting) {
      throw new AppError('ERR_ORDER_STATE', `order ${current.id} is ${current.status}`, {
        userMessage:
          current.status === 'SUBMITTED' || current.status === 'PARTIALLY_FILLED'
            ? 'That order is already at the exchange; cancel it there.'
            : `That order is already ${current.status.toLowerCase().replace('_', ' ')}.`,
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
  await deliver(deps, pendingOf(order));
  return orderView(order);
}
