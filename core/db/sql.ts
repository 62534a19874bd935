import { Prisma } from './client.ts';

/**
 * A time as Prisma stores DateTime: UTC wall time in a `timestamp(3)` column. Cast from text so the
 * session's time zone never shifts it, whatever the server is configured with.
 */
export function utcTimestamp(at: Date): Prisma.Sql {
  return Prisma.sql`${at.toISOString()}::timestamp(3)`;
}
