/**
 * Where a chat turn's audit entries (tool calls, commands, refusals, button presses) go: queued, and
 * written within 50 ms in one INSERT with whatever else was queued, so a reply never waits for them.
 * The trade-off, chosen on purpose: an entry recorded in the last moments before a crash can be lost
 * (its connection already commits asynchronously, which has the same window). Money-path audits
 * (order transitions, kill switch, keys) are written by the trading core and vault in their own
 * transactions and do not pass through here. `drain` (graceful stop, tests) waits for what is queued.
 */
import { type Db, executeOnPool } from '../db/client.ts';
import { type AuditEntry, auditRow } from '../identity/audit.ts';
import type { Logger } from '../logger.ts';

export interface AuditSink {
  /** Queues the entry with the time it happened; never throws, never waits. */
  record(entry: AuditEntry): void;
  /** Resolves once every entry recorded so far is written, or its failure logged. */
  drain(): Promise<void>;
}

/** The most entries in one statement; a burst beyond it is written in several. */
const MAX_BATCH = 200;
/**
 * How long an entry waits for others to share its statement. One INSERT of ten rows costs about what
 * two single-row ones do, and this is the whole window an entry can be lost in on a crash — the same
 * order as the asynchronous commit's.
 */
const FLUSH_AFTER_MS = 50;

// One statement for any number of rows: the batch travels as one JSON parameter. Raw SQL on the pool
// because the Prisma client's create costs ~3× the CPU of the whole rest of a price request, and even
// its raw execute three times what node-postgres alone does (bench/agent.bench.ts).
const INSERT = `INSERT INTO "AuditLog" ("at", "actorUserId", "platform", "action", "subjectType", "subjectId", "outcome", "detail")
SELECT "at", "actorUserId", "platform", "action", "subjectType", "subjectId", "outcome", "detail"
FROM jsonb_to_recordset($1::jsonb) AS r("at" timestamp(3), "actorUserId" uuid, "platform" "Platform",
  "action" text, "subjectType" text, "subjectId" text, "outcome" text, "detail" jsonb)`;

type Row = ReturnType<typeof auditRow> & { readonly at: string };

export function createAuditSink(db: Db, logger: Logger): AuditSink {
  let queued: Row[] = [];
  let timer: NodeJS.Timeout | undefined;
  const writing = new Set<Promise<void>>();

  async function write(rows: readonly Row[]): Promise<void> {
    try {
      await executeOnPool(db, INSERT, [JSON.stringify(rows)]);
    } catch (err) {
      // Visible to operators; what it records already happened and is not undone.
      logger.error(
        { err, entries: rows.length, actions: [...new Set(rows.map((r) => r.action))] },
        'audit write failed',
      );
    }
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (queued.length) {
      const rows = queued.length > MAX_BATCH ? queued.splice(0, MAX_BATCH) : queued;
      if (rows === queued) queued = [];
      const p = write(rows).finally(() => writing.delete(p));
      writing.add(p);
    }
  }

  return {
    record(entry) {
      // Timestamp(3) without zone, as Prisma stores DateTime: UTC wall time.
      queued.push({ at: new Date().toISOString(), ...auditRow(entry) });
      if (queued.length >= MAX_BATCH) flush();
      else if (!timer) {
        timer = setTimeout(flush, FLUSH_AFTER_MS);
        // A process that is done does not wait for it; a graceful stop drains.
        timer.unref();
      }
    },
    async drain() {
      flush();
      while (writing.size) await Promise.all(writing);
    },
  };
}
