/**
 * Once per test run: migrate a template database. Each test file then clones it (CREATE DATABASE ...
 * TEMPLATE), which takes milliseconds and isolates files from each other.
 */
import pg from 'pg';
import { migrate } from '../../core/db/migrate.ts';
import { withDatabase } from '../../core/db/url.ts';
import { TEMPLATE_DB, TEST_DATABASE_URL } from './env.ts';

export default async function setup(): Promise<void> {
  const templateUrl = withDatabase(TEST_DATABASE_URL, TEMPLATE_DB);
  await migrate(templateUrl);
  const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [TEMPLATE_DB],
  );
  // Databases left behind by an interrupted earlier run. Only old ones: several test runs may share this
  // server (engineers and CI side by side), and a younger database may belong to a run in progress.
  const stale = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'cp_t\\_%'
       AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '2 hours'`,
  );
  for (const { datname } of stale.rows)
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
