/**
 * The outbox: what an order's status change promises (its BullMQ job, its notifications) is written in
 * the same statement as the change, so a commit can never lose it and nothing waits on Redis inside a
 * transaction. After the commit the committer sends it at once (`deliver`, bounded by the producer's
 * command timeout) and deletes the rows; if Redis does not answer, the rows stay and the relay
 * (`relayOutbox`, run by the worker's watcher) sends them once Redis is back. Delivery is at least once:
 * the job id is the order id (a second add is a no-op), and an event published twice is told once (the
 * notifiers' feed knows an event by what it says, core/broadcast/order-events.ts).
 *
 * A row is leased (`claimedUntil`): the committer holds it while it tries, a relay while it sends, so two
 * senders do not race for it; a sender that dies leaves the lease to run out.
 */
import { beforeDisconnect, type Db, Prisma } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { OrderQueuePort } from './deps.ts';
import type { OrderId } from './ids.ts';
import type { EventPublisher, OrderEventMessage, RedisEventPublisher } from './order-events.ts';
import type { OrderJobData, OrderQueue } from './order-queue.ts';
import type { OrderRow } from './transitions.ts';
import { orderEvent } from './views.ts';

type OrderEventType = Exclude<OrderEventMessage['type'], 'alert.triggered'>;

/** One promise of a transition: a notification of `type` (or only the job, 'job'), and/or the job. */
export interface Notice {
  readonly type: OrderEventType | 'job';
  /** Event fields not on the order row: `code` and `message` (rejected, failed), `price` (triggered). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Also add the order's BullMQ job. */
  readonly job?: boolean;
}

/** How long the committer keeps its own rows from the relay while it sends them. */
const COMMITTER_LEASE_S = 15;
/** How long a relay holds the rows it took. */
const RELAY_LEASE_S = 30;

const utcNow = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * The CTE (named `outbox`) that records `notices` for the row(s) of CTE `from`, leased to the committer;
 * the statement should select `(SELECT array_agg(id) FROM outbox)` to learn the ids.
 */
export function outboxCte(notices: readonly Notice[], from: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`outbox AS (
      INSERT INTO "Outbox" ("orderId", type, extra, job, "claimedUntil")
      SELECT m.id, x.type, x.extra::jsonb, x.job, ${utcNow} + make_interval(secs => ${COMMITTER_LEASE_S})
      FROM ${from} m, unnest(${notices.map((n) => n.type)}::text[], ${notices.map((n) => JSON.stringify(n.extra ?? {}))}::text[],
                             ${notices.map((n) => n.job === true)}::boolean[]) AS x(type, extra, job)
      RETURNING id
    )`;
}

/** What a committed transition left to send: its order row, the notices and their outbox ids. */
export interface Pending {
  readonly order: OrderRow;
  readonly notices: readonly Notice[];
  readonly ids: readonly bigint[];
}

export interface OutboxDeps {
  readonly db: Db;
  readonly queue: OrderQueuePort;
  readonly events: EventPublisher;
  readonly logger: Logger;
}

function eventOf(order: OrderRow, notice: Notice): OrderEventMessage | undefined {
  if (notice.type === 'job') return undefined;
  const extra = notice.extra ?? {};
  switch (notice.type) {
    case 'order.filled':
    case 'order.partially_filled':
      return orderEvent(order, notice.type);
    case 'order.triggered':
      return orderEvent(order, notice.type, { price: extra.price ?? '' });
    case 'order.rejected':
    case 'order.failed':
      return orderEvent(order, notice.type, { code: extra.code ?? '', message: extra.message ?? '' });
    case 'order.expired':
      return orderEvent(order, notice.type, extra.message ? { message: extra.message } : {});
    default:
      return orderEvent(order, notice.type);
  }
}

/** The queue and the publisher when they share one Redis connection (production): one round trip for both. */
function oneConnection(deps: OutboxDeps): { queue: OrderQueue; events: RedisEventPublisher } | undefined {
  const queue = deps.queue as Partial<OrderQueue>;
  const events = deps.events as Partial<RedisEventPublisher>;
  if (!queue.enqueueThen || !events.commands || !queue.redis || queue.redis !== events.redis)
    return undefined;
  return { queue: queue as OrderQueue, events: events as RedisEventPublisher };
}

async function send(deps: OutboxDeps, items: readonly { order: OrderRow; notices: readonly Notice[] }[]) {
  const jobs = new Map<string, OrderJobData>();
  const events: OrderEventMessage[] = [];
  for (const { order, notices } of items) {
    for (const n of notices) {
      if (n.job) jobs.set(order.id, { orderId: order.id as OrderId, mode: order.mode, symbol: order.symbol });
      const e = eventOf(order, n);
      if (e) events.push(e);
    }
  }
  // The job first: a notification that the order is queued must not precede the queue entry.
  const shared = jobs.size > 0 ? oneConnection(deps) : undefined;
  if (shared) {
    await shared.queue.enqueueThen([...jobs.values()], shared.events.commands(events));
    return;
  }
  for (const job of jobs.values()) await deps.queue.enqueue(job.orderId, job.mode, job.symbol);
  await deps.events.publish(events);
}

async function release(deps: OutboxDeps, ids: readonly bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.$executeRaw`UPDATE "Outbox" SET "claimedUntil" = ${utcNow} WHERE id = ANY(${ids}::bigint[])`;
}

async function remove(db: Db, ids: readonly bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`DELETE FROM "Outbox" WHERE id = ANY(${ids}::bigint[])`;
}

/**
 * How long sent rows wait for others to share their DELETE; far below the committer's lease (15 s), so
 * the relay never sees them. At 10 ms a DELETE carried two deliveries at 200 orders/s and was a commit
 * for every third order in each process; at 200 ms one commit carries about 40. A crash loses at most
 * the last 200 ms of DELETEs: those rows are sent once more by the relay after their lease (the job is a
 * no-op by its id, the notifiers' feed tells an event published twice once), as for a crash between a
 * send and its DELETE.
 */
const REMOVE_BATCH_MS = 200;
/** A batch this large goes at once. */
const REMOVE_BATCH_MAX = 500;

/** One per Db: the sent rows waiting for their DELETE, at most one DELETE in flight. */
class SentRows {
  private ids: bigint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {
    beforeDisconnect(db, () => this.drain());
  }

  add(ids: readonly bigint[]): void {
    this.ids.push(...ids);
    if (this.ids.length >= REMOVE_BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), REMOVE_BATCH_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.ids.length === 0) return;
    const ids = this.ids;
    this.ids = [];
    this.inFlight = remove(this.db, ids)
      .catch((err: unknown) =>
        this.logger.warn(
          { err: { name: (err as Error)?.name, message: (err as Error)?.message }, rows: ids.length },
          'outbox rows not removed; the relay will send them again',
        ),
      )
      .finally(() => {
        this.inFlight = undefined;
        // What came in meanwhile goes next, in its own batch.
        if (this.ids.length) this.timer ??= setTimeout(() => this.flush(), REMOVE_BATCH_MS);
      });
  }

  /** Everything added so far is deleted (or failed and was logged). */
  async drain(): Promise<void> {
    while (this.inFlight || this.ids.length) {
      if (this.inFlight) await this.inFlight;
      else this.flush();
    }
  }
}

const sentRows = new WeakMap<Db, SentRows>();

/** Deletes rows that were sent, batched with the other deliveries of this process (see above). */
function removeSent(deps: OutboxDeps, ids: readonly bigint[]): void {
  if (ids.length === 0) return;
  let rows = sentRows.get(deps.db);
  if (!rows) {
    rows = new SentRows(deps.db, deps.logger);
    sentRows.set(deps.db, rows);
  }
  rows.add(ids);
}

/** Waits until the rows `deliver` sent are deleted (tests; `db.$disconnect()` waits by itself). */
export async function sentRowsRemoved(db: Db): Promise<void> {
  await sentRows.get(db)?.drain();
}

/**
 * Sends what committed transitions promised, right after their commit. True when Redis took it all; false
 * when it did not answer in time: the rows are then left to the relay and nothing is lost.
 */
export async function deliver(deps: OutboxDeps, pending: readonly Pending[]): Promise<boolean> {
  const ids = pending.flatMap((p) => p.ids);
  if (pending.every((p) => p.notices.length === 0)) return true;
  try {
    await send(deps, pending);
  } catch (err) {
    deps.logger.warn(
      { err: { name: (err as Error)?.name, message: (err as Error)?.message }, rows: ids.length },
      'queue/notification hand-off failed; the outbox relay will send it',
    );
    await release(deps, ids).catch(() => undefined);
    return false;
  }
  removeSent(deps, ids);
  return true;
}

interface OutboxRow {
  readonly id: bigint;
  readonly orderId: string;
  readonly type: Notice['type'];
  readonly extra: Record<string, string>;
  readonly job: boolean;
}

/**
 * One pass of the relay: takes (leases) rows nobody is sending, sends them, deletes what was sent.
 * Returns how many rows it sent. Rows of orders that no longer exist are dropped.
 */
export async function relayOutbox(deps: OutboxDeps, limit = 200): Promise<number> {
  const rows = await deps.db.$queryRaw<OutboxRow[]>`
    UPDATE "Outbox" SET "claimedUntil" = ${utcNow} + make_interval(secs => ${RELAY_LEASE_S})
    WHERE id IN (SELECT id FROM "Outbox" WHERE "claimedUntil" <= ${utcNow} ORDER BY id LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED)
    RETURNING id, "orderId", type, extra, job`;
  if (rows.length === 0) return 0;
  rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  const orders = new Map(
    (await deps.db.order.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.orderId))] } } })).map(
      (o) => [o.id, o],
    ),
  );
  const items = rows.flatMap((r) => {
    const order = orders.get(r.orderId);
    return order ? [{ order, notices: [{ type: r.type, extra: r.extra, job: r.job }] }] : [];
  });
  const ids = rows.map((r) => r.id);
  try {
    await send(deps, items);
  } catch (err) {
    await release(deps, ids).catch(() => undefined);
    throw err;
  }
  await remove(deps.db, ids);
  return rows.length;
}
