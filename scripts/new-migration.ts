/**
 * Developer tool: `npm run db:migration -- <name>` writes prisma/migrations/<timestamp>_<name>/migration.sql
 * with the SQL that takes the schema committed at git HEAD to the working prisma/schema.prisma.
 * It runs offline with the WASM engine. (Diffing from the migrations folder needs the engine to introspect a
 * shadow database, which this engine build cannot do through the pg adapter yet: it rejects the `"char"` type.)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIGRATIONS_DIR, NO_FILTERS, openSchemaEngine, SCHEMA_PATH } from '../core/db/schema-engine.ts';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const committed = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8' });
const { engine, close } = await openSchemaEngine(
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
);
const diff = await engine.diff({
  from: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: committed }] },
  to: {
    tag: 'schemaDatamodel',
    files: [{ path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') }],
  },
  script: true,
  exitCode: null,
  filters: NO_FILTERS,
});
await close();
const sql = (diff.stdout ?? '').trim();
if (!sql || sql.startsWith('-- This is an empty migration')) {
  console.log('prisma/schema.prisma has not changed since HEAD; nothing to write');
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), `${sql}\n`);
  console.log(`wrote ${dir}/migration.sql`);
}
