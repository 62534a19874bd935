/**
 * What the trigger watcher's next pass has to do, in one round trip: which of its polls would find
 * anything now. A pass skips the polls that would come back empty; what arrives after this read is
 * seen at the next pass, as it would be if it arrived right after the poll itself. An idle worker
 * runs this one statement per pass instead of six.
 */
import type { Db } from '../db/client.ts';
import { utcTimestamp } from '../db/sql.ts';

export interface WatchAgenda {
  /** Outbox rows nobody holds: the relay has something to send. */
  readonly outbox: boolean;
  /** Proposals past their expiry, or active triggers past theirs (expireStale). */
  readonly stale: boolean;
  /** Active triggers on this exchange, to price and evaluate. */
  readonly triggers: boolean;
  /** Resting paper limit orders on this exchange, to price and refresh. */
  readonly resting: boolean;
  /** Live orders open at the exchange that their owner asked to cancel. */
  readonly cancels: boolean;
}

/** `now` is the clock the expiries are compared with (expireStale's); the outbox uses the database's. */
export async function watchAgenda(db: Db, exchange: string, now: Date): Promise<WatchAgenda> {
  const at = utcTimestamp(now);
  const [row] = await db.$queryRaw<WatchAgenda[]>`
    SELECT
      EXISTS (SELECT 1 FROM "Outbox" WHERE "claimedUntil" <= (now() AT TIME ZONE 'UTC')) AS outbox,
      (EXISTS (SELECT 1 FROM "Order" WHERE status = 'PROPOSED'::"OrderStatus" AND "expiresAt" <= ${at})
        OR EXISTS (SELECT 1 FROM "Trigger" WHERE status = 'ACTIVE'::"TriggerStatus" AND "expiresAt" <= ${at})) AS stale,
      EXISTS (SELECT 1 FROM "Trigger" WHERE status = 'ACTIVE'::"TriggerStatus" AND exchange = ${exchange}) AS triggers,
      EXISTS (SELECT 1 FROM "Order" WHERE status = 'SUBMITTED'::"OrderStatus" AND mode = 'PAPER'::"TradingMode"
                AND type = 'LIMIT'::"OrderType" AND exchange = ${exchange}) AS resting,
      EXISTS (SELECT 1 FROM "Order" WHERE mode = 'LIVE'::"TradingMode"
                AND status IN ('SUBMITTED'::"OrderStatus", 'PARTIALLY_FILLED'::"OrderStatus")
                AND "cancelRequestedAt" IS NOT NULL) AS cancels`;
  return row!;
}
