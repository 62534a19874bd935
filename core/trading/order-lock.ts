/**
 * One executor per order at a time, across processes: a Postgres advisory lock on a dedicated
 * connection. If the holder dies (SIGKILL, lost network) Postgres drops the session and with it the
 * lock, so the next worker can resume the order; while the holder lives, a second worker that picked
 * up the same job (a BullMQ stall false alarm) waits and then finds the order already done.
 */
import pg from 'pg';

export interface OrderLocks {
  withLock<T>(orderId: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function pgOrderLocks(databaseUrl: string, size: number): OrderLocks {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: size });
  pool.on('error', () => undefined); // an idle client's dropped connection; the next checkout reconnects
  return {
    async withLock(orderId, fn) {
      const client = await pool.connect();
      let release: Error | undefined;
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 7))', [orderId]);
        try {
          return await fn();
        } finally {
          await client
            .query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [orderId])
            .catch((err: Error) => {
              release = err; // never hand a connection that may still hold the lock back to the pool
            });
        }
      } finally {
        client.release(release);
      }
    },
    close: () => pool.end(),
  };
}
