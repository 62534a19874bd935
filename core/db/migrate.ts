/** `cryptopulse migrate`: creates the database when missing, then applies committed migrations once. */
import pg from 'pg';
import { loadMigrations, NO_FILTERS, openSchemaEngine } from './schema-engine.ts';
import { databaseName, withDatabase } from './url.ts';

export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    // Two processes racing to create the same database: the loser finds it there.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await admin.end();
  }
}

export interface MigrateResult {
  readonly createdDatabase: boolean;
  readonly applied: readonly string[];
}

export async function migrate(databaseUrl: string): Promise<MigrateResult> {
  const createdDatabase = await ensureDatabase(databaseUrl);
  const { engine, close } = await openSchemaEngine(databaseUrl);
  try {
    const out = await engine.applyMigrations({ migrationsList: await loadMigrations(), filters: NO_FILTERS });
    return { createdDatabase, applied: out.appliedMigrationNames };
  } finally {
    await close();
  }
}
