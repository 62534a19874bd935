/**
 * Prisma's official WebAssembly schema engine, bound to our pg driver adapter: applies and diffs
 * migrations with no native engine download, so `cryptopulse migrate` works offline.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { type MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_PATH = join(root, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = join(root, 'prisma/migrations');

export interface OpenEngine {
  readonly engine: SchemaEngine;
  /** Frees the engine and ends its connection pool, so no connection lingers on the database. */
  close(): Promise<void>;
}

export async function openSchemaEngine(connectionString: string): Promise<OpenEngine> {
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  const pool = new pg.Pool({ connectionString, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await pool.end();
    },
  };
}

/** The committed migrations, read the way `prisma migrate deploy` reads them. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    entries.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockPath = join(dir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
