/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or the names given as arguments) in one process
 * and prints one table per benchmark. Each module exports `title` and `run()` returning rows.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  readonly metric: string;
  readonly value: string;
  readonly note?: string;
}

interface BenchModule {
  readonly title: string;
  run(): Promise<readonly BenchRow[]>;
}

const here = dirname(fileURLToPath(import.meta.url));

function printTable(title: string, rows: readonly BenchRow[]): void {
  const w0 = Math.max(6, ...rows.map((r) => r.metric.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  console.log(`\n## ${title}`);
  console.log(`| ${'metric'.padEnd(w0)} | ${'value'.padEnd(w1)} | note`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|------`);
  for (const r of rows) console.log(`| ${r.metric.padEnd(w0)} | ${r.value.padEnd(w1)} | ${r.note ?? ''}`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
  const selected = wanted.length ? files.filter((f) => wanted.some((w) => f.startsWith(w))) : files;
  let failed = false;
  for (const file of selected) {
    const mod = (await import(join(here, file))) as BenchModule;
    try {
      printTable(`${mod.title} (${basename(file)})`, await mod.run());
    } catch (err) {
      failed = true;
      console.error(`bench ${file} failed:`, err);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
