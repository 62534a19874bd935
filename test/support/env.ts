/** Where the test suite finds Redis and Postgres: the bootstrap exports these; plain localhost otherwise. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cryptopulse';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The migrated template every test database is cloned from, named after the migrations it holds: test
 * runs of different checkouts (engineers and CI side by side on one server) never share a template of
 * another schema, and runs of the same schema reuse it.
 */
function migrationsFingerprint(): string {
  const dir = join(import.meta.dirname, '..', '..', 'prisma', 'migrations');
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()) {
    hash.update(entry.slice(dir.length)).update(readFileSync(entry));
  }
  return hash.digest('hex').slice(0, 12);
}

export const TEMPLATE_DB = `cp_test_template_${migrationsFingerprint()}`;
