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
  // One round trip: the raw row has the model's shape (Decimal, Date, enum strings).
  const rows = await tx.$queryRaw<OrderRow[]>`SELECT * FROM "Order" WHERE id = ${orderId}::uuid FOR UPDATE`;
  return rows[0];
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
  const who = actor.kind === 'user' ? actor.userId : actor.name;
  const userId = actor.kind === 'user' ? actor.userId : null;
  const platform = actor.kind === 'user' ? toDbPlatform(actor.platform) : null;
  const detail = JSON.stringify(options.detail ?? {});
  // Both histories in one round trip: an OrderEvent and an AuditLog row per edge.
  await tx.$executeRaw`
    WITH edges AS (
      SELECT x.f::"OrderStatus" AS f, x.t::"OrderStatus" AS t, x.n
      FROM unnest(${edges.map((e) => e[0])}::text[], ${edges.map((e) => e[1])}::text[]) WITH ORDINALITY AS x(f, t, n)
    ), events AS (
      INSERT INTO "OrderEvent" ("orderId", "fromStatus", "toStatus", actor, platform, detail)
      SELECT ${order.id}::uuid, f, t, ${who}, ${platform}::"Platform", ${detail}::jsonb FROM edges ORDER BY n
    )
    INSERT INTO "AuditLog" ("actorUserId", platform, action, "subjectType", "subjectId", detail)
    SELECT ${userId}::uuid, ${platform}::"Platform", 'order.' || lower(t::text), 'Order', ${order.id},
           jsonb_build_object('from', f, 'by', ${who}::text) || ${detail}::jsonb
    FROM edges ORDER BY n`;
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
