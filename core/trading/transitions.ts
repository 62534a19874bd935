/**
 * The only writer of `Order.status`. A caller locks the order row (`lockOrder`), decides, then
 * `advance`s it along one or more edges of the state machine; or, on the hot path, `transition`s it
 * without a lock when it is still in the expected status (compare-and-set). Either way each edge becomes
 * an OrderEvent and an AuditLog row (who, what, when, from which platform) in the same statement as the
 * status change: one round trip per transition.
 */
import type { Order } from '../../generated/prisma/client.ts';
import { type Db, Prisma } from '../db/client.ts';
import { utcTimestamp } from '../db/sql.ts';
import { AppError } from '../errors.ts';
import { type PlatformName, toDbPlatform } from '../identity/types.ts';
import { canTransition, type OrderStatus } from './order-states.ts';
import { type Notice, outboxCte, type Pending } from './outbox.ts';

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

/**
 * The columns of OrderRow, named rather than `*`: statements are prepared once per connection, and a
 * prepared `SELECT *` fails in running processes once a migration adds a column.
 */
const ORDER_COLUMNS = Prisma.raw(
  Object.values(Prisma.OrderScalarFieldEnum)
    .map((column) => `"${column}"`)
    .join(', '),
);

/** The order columns as a select list, for statements that return an OrderRow. */
export const orderColumns = ORDER_COLUMNS;

/** The query that locks an order row, for statements that lock it along with more. */
export function selectOrderForUpdate(orderId: string): Prisma.Sql {
  return Prisma.sql`SELECT ${ORDER_COLUMNS} FROM "Order" WHERE id = ${orderId}::uuid FOR UPDATE`;
}

/** Locks the order row for the rest of the transaction; undefined when there is no such order. */
export async function lockOrder(tx: Tx, orderId: string): Promise<OrderRow | undefined> {
  // One round trip: the raw row has the model's shape (Decimal, Date, enum strings).
  const rows = await tx.$queryRaw<OrderRow[]>`${selectOrderForUpdate(orderId)}`;
  return rows[0];
}

/** The order columns a transition may set besides the status; decimals as strings at database scale. */
export interface OrderPatch {
  readonly confirmedAt?: Date;
  readonly executeBy?: Date | null;
  /** `executeBy` for a market order, nothing for a limit order (a statement that has not read the type). */
  readonly executeByIfMarket?: Date;
  readonly restingUntil?: Date | null;
  readonly error?: string | null;
  readonly exchangeOrderId?: string | null;
  readonly filledAmount?: string;
  readonly avgFillPrice?: string | null;
  readonly fee?: string;
  readonly feeCurrency?: string | null;
  readonly reservedAsset?: string | null;
  readonly reservedAmount?: string;
}

const PATCH_COLUMNS: { readonly [K in keyof Required<OrderPatch>]: 'text' | 'numeric' | 'timestamp' } = {
  confirmedAt: 'timestamp',
  executeBy: 'timestamp',
  executeByIfMarket: 'timestamp',
  restingUntil: 'timestamp',
  error: 'text',
  exchangeOrderId: 'text',
  filledAmount: 'numeric',
  avgFillPrice: 'numeric',
  fee: 'numeric',
  feeCurrency: 'text',
  reservedAsset: 'text',
  reservedAmount: 'numeric',
};

function assignment(column: keyof OrderPatch, value: OrderPatch[keyof OrderPatch]): Prisma.Sql {
  if (column === 'executeByIfMarket' && value instanceof Date) {
    return Prisma.sql`"executeBy" = CASE WHEN type = 'MARKET'::"OrderType" THEN ${utcTimestamp(value)} END`;
  }
  const name = Prisma.raw(`"${column}"`);
  if (value === null || value === undefined) return Prisma.sql`${name} = NULL`;
  if (value instanceof Date) return Prisma.sql`${name} = ${utcTimestamp(value)}`;
  return PATCH_COLUMNS[column] === 'numeric'
    ? Prisma.sql`${name} = ${value}::numeric`
    : Prisma.sql`${name} = ${value}`;
}

function setClause(status: OrderStatus, patch: OrderPatch, at: Date): Prisma.Sql {
  const columns = (Object.keys(patch) as (keyof OrderPatch)[]).filter(
    (c) => c in PATCH_COLUMNS && patch[c] !== undefined,
  );
  return Prisma.join(
    [
      Prisma.sql`status = ${status}::"OrderStatus"`,
      Prisma.sql`"updatedAt" = ${utcTimestamp(at)}`,
      ...columns.map((c) => assignment(c, patch[c])),
    ],
    ', ',
  );
}

/** Extra conditions for a transition on an order nobody locked (compare-and-set). */
export interface TransitionGuard {
  /** Only an order of this user. */
  readonly userId?: string;
  /** Only an order whose proposal is still open at this time. */
  readonly unexpiredAt?: Date;
  /** Only an order without a trigger price (conditional orders take the locked path). */
  readonly withoutTrigger?: boolean;
  /** Only while this executor's fencing token is the order's latest (see fencing.ts). */
  readonly attempt?: number;
}

function guardClause(guard: TransitionGuard): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (guard.userId) parts.push(Prisma.sql`AND "userId" = ${guard.userId}::uuid`);
  if (guard.unexpiredAt) parts.push(Prisma.sql`AND "expiresAt" > ${utcTimestamp(guard.unexpiredAt)}`);
  if (guard.withoutTrigger) parts.push(Prisma.sql`AND "triggerPrice" IS NULL`);
  if (guard.attempt !== undefined) parts.push(Prisma.sql`AND attempt = ${guard.attempt}`);
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

export interface AdvanceOptions {
  readonly detail?: Record<string, unknown>;
  readonly patch?: OrderPatch;
  /** The job and notifications this change promises, recorded in the outbox in the same statement. */
  readonly notify?: readonly Notice[];
}

const pendingByRow = new WeakMap<OrderRow, Pending>();

/** What a transition's `notify` left in the outbox, for `deliver` after the commit. */
export function pendingOf(...rows: readonly (OrderRow | undefined)[]): Pending[] {
  return rows.flatMap((r) => {
    const p = r && pendingByRow.get(r);
    return p ? [p] : [];
  });
}

function edgesOf(
  orderId: string,
  from: OrderStatus,
  path: readonly OrderStatus[],
): [OrderStatus, OrderStatus][] {
  const edges: [OrderStatus, OrderStatus][] = [];
  for (const to of path) {
    if (!canTransition(from, to)) {
      throw new AppError('ERR_ORDER_STATE', `order ${orderId} cannot go from ${from} to ${to}`, {
        details: { orderId, from, to },
      });
    }
    edges.push([from, to]);
    from = to;
  }
  return edges;
}

/**
 * Moves order `orderId` from `from` along `path` if it is still in `from` (and passes `guard`): the
 * status, the patch, an OrderEvent and an AuditLog row per edge, all in one statement. Undefined when
 * the order was not in `from` (or failed the guard): somebody else moved it first, nothing changed.
 */
export async function transition(
  db: Db | Tx,
  orderId: string,
  from: OrderStatus,
  path: readonly OrderStatus[],
  actor: ActorRef,
  options: AdvanceOptions & { readonly guard?: TransitionGuard } = {},
): Promise<OrderRow | undefined> {
  const edges = edgesOf(orderId, from, path);
  const to = edges.at(-1)![1];
  const who = actor.kind === 'user' ? actor.userId : actor.name;
  const userId = actor.kind === 'user' ? actor.userId : null;
  const platform = actor.kind === 'user' ? toDbPlatform(actor.platform) : null;
  const detail = JSON.stringify(options.detail ?? {});
  const notices = options.notify ?? [];
  const outbox = notices.length ? Prisma.sql`, ${outboxCte(notices, Prisma.sql`moved`)}` : Prisma.empty;
  const outboxIds = notices.length
    ? Prisma.sql`, (SELECT array_agg(id) FROM outbox) AS "outboxIds"`
    : Prisma.empty;
  const rows = await db.$queryRaw<(OrderRow & { outboxIds?: bigint[] | null })[]>`
    WITH moved AS (
      UPDATE "Order" SET ${setClause(to, options.patch ?? {}, new Date())}
      WHERE id = ${orderId}::uuid AND status = ${from}::"OrderStatus" ${guardClause(options.guard ?? {})}
      RETURNING ${ORDER_COLUMNS}
    ), edges AS (
      SELECT x.f::"OrderStatus" AS f, x.t::"OrderStatus" AS t, x.n
      FROM unnest(${edges.map((e) => e[0])}::text[], ${edges.map((e) => e[1])}::text[]) WITH ORDINALITY AS x(f, t, n)
      WHERE EXISTS (SELECT 1 FROM moved)
    ), events AS (
      INSERT INTO "OrderEvent" ("orderId", "fromStatus", "toStatus", actor, platform, detail)
      SELECT ${orderId}::uuid, f, t, ${who}, ${platform}::"Platform", ${detail}::jsonb FROM edges ORDER BY n
    ), audit AS (
      INSERT INTO "AuditLog" ("actorUserId", platform, action, "subjectType", "subjectId", detail)
      SELECT ${userId}::uuid, ${platform}::"Platform", 'order.' || lower(t::text), 'Order', ${orderId},
             jsonb_build_object('from', f, 'by', ${who}::text) || ${detail}::jsonb
      FROM edges ORDER BY n
    )${outbox}
    SELECT ${ORDER_COLUMNS}${outboxIds} FROM moved`;
  const row = rows[0];
  if (!row) return undefined;
  if (notices.length) {
    const { outboxIds: ids, ...order } = row;
    pendingByRow.set(order, { order, notices, ids: ids ?? [] });
    return order;
  }
  return row;
}

/** Moves a locked order along `path` (e.g. ['SUBMITTED', 'FILLED']); throws ERR_ORDER_STATE on a bad edge. */
export async function advance(
  tx: Tx,
  order: OrderRow,
  path: readonly OrderStatus[],
  actor: ActorRef,
  options: AdvanceOptions = {},
): Promise<OrderRow> {
  const moved = await transition(tx, order.id, order.status, path, actor, options);
  if (!moved) {
    // The caller holds the row lock, so the status cannot have changed: a caller bug, not a race.
    throw new AppError('ERR_ORDER_STATE', `order ${order.id} is no longer ${order.status}`, {
      details: { orderId: order.id, from: order.status },
    });
  }
  return moved;
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
