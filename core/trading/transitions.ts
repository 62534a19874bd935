/**
 * The only writer of `Order.status`. A caller locks the order row (`lockOrder`), decides, then
 * `advance`s it along one or more edges of the state machine; each edge becomes an OrderEvent and an
 * AuditLog row (who, what, when, from which platform) in the same transaction.
 */
import type { Order } from '../../generated/prisma/client.ts';
import type { Prisma } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { type PlatformName, toDbPlatform } from '../identity/types.ts';
import { canTransition, type OrderStatus } from './order-states.ts';

export type OrderRow = Order;
export type Tx = Prisma.TransactionClient;

/** Who moved the order: its owner (or an operator) from a platform, or a part of the system. */
export type ActorRef =
  | { readonly kind: 'user'; readonly userId: string; readonly platform: PlatformName }
  | { readonly kind: 'system'; readonly name: 'worker' | 'watcher' | 'expirer' | 'recovery' };

export const SYSTEM = {
  worker: { kind: 'system', name: 'worker' },
  watcher: { kind: 'system', name: 'watcher' },
  expirer: { kind: 'system', name: 'expirer' },
  recovery: { kind: 'system', name: 'recovery' },
} as const satisfies Record<string, ActorRef>;

/** Locks the order row for the rest of the transaction; undefined when there is no such order. */
export async function lockOrder(tx: Tx, orderId: string): Promise<OrderRow | undefined> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM "Order" WHERE id = ${orderId}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return (await tx.order.findUnique({ where: { id: orderId } })) ?? undefined;
}

export interface AdvanceOptions {
  readonly detail?: Record<string, unknown>;
  readonly patch?: Prisma.OrderUpdateInput;
}

/** Moves a locked order along `path` (e.g. ['SUBMITTED', 'FILLED']); throws ERR_ORDER_STATE on a bad edge. */
export async function advance(
  tx: Tx,
  order: OrderRow,
  path: readonly OrderStatus[],
  actor: ActorRef,
  options: AdvanceOptions = {},
): Promise<OrderRow> {
  let from = order.status;
  const edges: [OrderStatus, OrderStatus][] = [];
  for (const to of path) {
    if (!canTransition(from, to)) {
      throw new AppError('ERR_ORDER_STATE', `order ${order.id} cannot go from ${from} to ${to}`, {
        details: { orderId: order.id, from, to },
      });
    }
    edges.push([from, to]);
    from = to;
  }
  const updated = await tx.order.update({
    where: { id: order.id },
    data: { ...options.patch, status: from },
  });
  const user = actor.kind === 'user' ? actor : undefined;
  const who = actor.kind === 'user' ? actor.userId : actor.name;
  const detail = (options.detail ?? undefined) as Prisma.InputJsonValue | undefined;
  await tx.orderEvent.createMany({
    data: edges.map(([fromStatus, toStatus]) => ({
      orderId: order.id,
      fromStatus,
      toStatus,
      actor: who,
      platform: user ? toDbPlatform(user.platform) : null,
      detail,
    })),
  });
  await tx.auditLog.createMany({
    data: edges.map(([fromStatus, toStatus]) => ({
      actorUserId: user?.userId ?? null,
      platform: user ? toDbPlatform(user.platform) : null,
      action: `order.${toStatus.toLowerCase()}`,
      subjectType: 'Order',
      subjectId: order.id,
      detail: { from: fromStatus, by: who, ...options.detail } as Prisma.InputJsonValue,
    })),
  });
  return updated;
}

/** The initial event of a new order (no previous status). */
export async function recordCreation(
  tx: Tx,
  order: OrderRow,
  actor: ActorRef & { kind: 'user' },
  detail: Record<string, unknown>,
) {
  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      toStatus: order.status,
      actor: actor.userId,
      platform: toDbPlatform(actor.platform),
      detail: detail as Prisma.InputJsonValue,
    },
  });
  await tx.auditLog.create({
    data: {
      actorUserId: actor.userId,
      platform: toDbPlatform(actor.platform),
      action: 'order.propose',
      subjectType: 'Order',
      subjectId: order.id,
      detail: detail as Prisma.InputJsonValue,
    },
  });
}
