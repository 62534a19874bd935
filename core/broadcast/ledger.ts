/**
 * The SignalDelivery ledger: one row per (signal, subscription, event), created when an entry is fanned
 * out, settled as DELIVERED or DEAD. The unique key makes fan-out idempotent (a crashed fan-out runs
 * again harmlessly) and a DELIVERED row is never sent again, whoever reads the entry next.
 */
import type { SignalDelivery } from '../../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { sortableStreamId } from './stream-group.ts';

export type DeliveryRow = SignalDelivery;

export interface PlannedDelivery {
  readonly subscriptionId: string;
  readonly signalId: string;
  /** "signal" (the card) or the lifecycle status announced. */
  readonly event: string;
  readonly stream: string;
  readonly streamId: string;
}

export class Ledger {
  constructor(private readonly db: Db) {}

  async plan(rows: readonly PlannedDelivery[]): Promise<void> {
    if (!rows.length) return;
    await this.db.signalDelivery.createMany({
      data: rows.map((r) => ({ ...r, streamKey: sortableStreamId(r.streamId) })),
      skipDuplicates: true,
    });
  }

  /** The oldest unsettled deliveries of one subscription, in stream order. */
  pendingOf(subscriptionId: string, limit = 25): Promise<DeliveryRow[]> {
    return this.db.signalDelivery.findMany({
      where: { subscriptionId, status: 'PENDING' },
      orderBy: [{ streamKey: 'asc' }, { event: 'asc' }],
      take: limit,
    });
  }

  /** Cards sent (or given up on) for a signal, by subscription: the targets of its lifecycle replies. */
  async cardsOf(signalId: string): Promise<Map<string, DeliveryRow>> {
    const rows = await this.db.signalDelivery.findMany({ where: { signalId, event: 'signal' } });
    return new Map(rows.map((r) => [r.subscriptionId, r]));
  }

  cardOf(subscriptionId: string, signalId: string): Promise<DeliveryRow | null> {
    return this.db.signalDelivery.findUnique({
      where: { subscriptionId_signalId_event: { subscriptionId, signalId, event: 'signal' } },
    });
  }

  /** Noted right before the request leaves: a crash from here on leaves the outcome unknown. */
  async sending(id: string): Promise<void> {
    await this.db.signalDelivery.updateMany({
      where: { id, status: 'PENDING' },
      data: { sendingAt: new Date() },
    });
  }

  async delivered(id: string, messageId: string): Promise<void> {
    await this.db.signalDelivery.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: 'DELIVERED', messageId, deliveredAt: new Date(), sendingAt: null },
    });
  }

  /** A failed attempt: counted, with when to try again. Returns the attempts made so far. */
  async failed(row: DeliveryRow, reason: string, nextAttemptAt: Date): Promise<number> {
    const attempts = row.attempts + 1;
    await this.db.signalDelivery.updateMany({
      where: { id: row.id, status: 'PENDING' },
      data: { attempts, lastError: reason.slice(0, 500), nextAttemptAt, sendingAt: null },
    });
    return attempts;
  }

  /** Only the rows that were still unsettled are returned: each is dead-lettered once. */
  async dead(ids: readonly string[], reason: string): Promise<DeliveryRow[]> {
    if (!ids.length) return [];
    const rows = await this.db.signalDelivery.findMany({
      where: { id: { in: [...ids] }, status: 'PENDING' },
    });
    if (!rows.length) return [];
    await this.db.signalDelivery.updateMany({
      where: { id: { in: rows.map((r) => r.id) }, status: 'PENDING' },
      data: { status: 'DEAD', lastError: reason.slice(0, 500), sendingAt: null },
    });
    return rows;
  }

  /** Every unsettled row of a subscription (a paused one gives them up). */
  async pendingIdsOf(subscriptionId: string): Promise<string[]> {
    const rows = await this.db.signalDelivery.findMany({
      where: { subscriptionId, status: 'PENDING' },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Of these entries, those with deliveries still unsettled, and the subscriptions they wait for. */
  async unsettled(stream: string, streamIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!streamIds.length) return out;
    const rows = await this.db.signalDelivery.findMany({
      where: { stream, streamId: { in: [...streamIds] }, status: 'PENDING' },
      select: { streamId: true, subscriptionId: true },
    });
    for (const r of rows) {
      const set = out.get(r.streamId) ?? new Set<string>();
      set.add(r.subscriptionId);
      out.set(r.streamId, set);
    }
    return out;
  }

  /** Subscriptions with deliveries due, whoever fanned them out (retried dead letters, orphans). */
  async dueSubscriptions(limit: number): Promise<string[]> {
    const rows = await this.db.signalDelivery.findMany({
      where: { status: 'PENDING', OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: new Date() } }] },
      distinct: ['subscriptionId'],
      select: { subscriptionId: true },
      take: limit,
    });
    return rows.map((r) => r.subscriptionId);
  }

  /** Back to PENDING with a fresh attempt count (an operator's `dlq retry`). */
  async revive(id: string): Promise<boolean> {
    const { count } = await this.db.signalDelivery.updateMany({
      where: { id, status: 'DEAD' },
      data: { status: 'PENDING', attempts: 0, lastError: null, sendingAt: null, nextAttemptAt: null },
    });
    return count > 0;
  }
}
