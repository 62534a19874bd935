/**
 * The audit log: who did what, when, from where, and how it ended. Security-relevant attempts are
 * written even when they are refused (outcome "rejected"), inside the caller's transaction when it has one.
 */
import type { Db, Prisma } from '../db/client.ts';
import { type PlatformName, toDbPlatform } from './types.ts';

export type AuditOutcome = 'ok' | 'rejected' | 'failed';

export interface AuditEntry {
  /** A user id, or undefined for the system (worker, watcher, operator CLI). */
  readonly actorUserId?: string;
  readonly platform?: PlatformName;
  readonly action: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly outcome?: AuditOutcome;
  /** Never secrets: this column is readable by operators. */
  readonly detail?: Record<string, unknown>;
}

export type DbClient = Db | Prisma.TransactionClient;

/** The row an entry becomes (also written in batches by the agent's audit sink). */
export function auditRow(entry: AuditEntry) {
  return {
    actorUserId: entry.actorUserId ?? null,
    platform: entry.platform ? toDbPlatform(entry.platform) : null,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    outcome: entry.outcome ?? 'ok',
    detail: (entry.detail ?? undefined) as Prisma.InputJsonValue | undefined,
  };
}

export async function audit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: auditRow(entry) });
}
