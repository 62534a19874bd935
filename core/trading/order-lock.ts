/**
 * One executor per order at a time, across processes: a Postgres advisory lock on a dedicated
 * connection. If the holder dies (SIGKILL, lost network) Postgres drops the session and with it the
 * lock, so the next worker can resume the order; while the holder lives, a second worker that picked
 * up the same job (a BullMQ stall false alarm) waits and then finds the order already done.
 *
 * The lock alone is not enough: a holder whose connection dropped (or was terminated) may still be
 * running when another worker takes the order. So the holder gets a `signal` that aborts when its lock
 * connection fails, and the executor also fences every write and every send on the order's attempt
 * number (live-executor.ts), which the next holder bumps.
 */
import pg from 'pg';

export interface LockLease {
  /** Aborted when the connection holding the lock failed: the lock may already belong to someone else. */
  readonly signal: AbortSignal;
}

export interface OrderLocks {
  withLock<T>(orderId: string, fn: (lease: LockLease) => Promise<T>): Promise<T>;
  /** Like withLock, but undefined at once when another executor holds the order. */
  tryWithLock<T>(orderId: string, fn: (lease: LockLease) => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

export function pgOrderLocks(databaseUrl: string, size: number): OrderLocks {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: size });
  pool.on('error', () => undefined); // an idle client's dropped connection; the next checkout reconnects

  async function locked<T>(
    orderId: string,
    wait: boolean,
    fn: (lease: LockLease) => Promise<T>,
  ): Promise<T | undefined> {
    const client = await pool.connect();
    const lost = new AbortController();
    // A checked-out client's connection error (pg_terminate_backend, network) lands here, not in the pool.
    const onError = (err: Error) => lost.abort(err);
    client.on('error', onError);
    let release: Error | boolean | undefined;
    try {
      if (wait) {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 7))', [orderId]);
      } else {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 7)) AS ok',
          [orderId],
        );
        if (!rows[0]?.ok) return undefined;
      }
      try {
        return await fn({ signal: lost.signal });
      } finally {
        if (lost.signal.aborted) release = true;
        else
          await client
            .query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [orderId])
            .catch((err: Error) => {
              release = err; // never hand a connection that may still hold the lock back to the pool
            });
      }
    } finally {
      client.off('error', onError);
      client.release(release);
    }
  }

  return {
    async withLock(orderId, fn) {
      return (await locked(orderId, true, fn)) as Awaited<ReturnType<typeof fn>>;
    },
    tryWithLock: (orderId, fn) => locked(orderId, false, fn),
    close: () => pool.end(),
  };
}
