/**
 * The import graph's direction rules, checked over the source (`npm test` runs test/import-graph.test.ts;
 * `npx tsx scripts/import-graph.ts` prints the violations). A small scanner instead of dependency-cruiser:
 * every import here is a relative path with its extension, so resolving one is a path join.
 *
 * Rules, for production files (tests and `testing/` helpers compose real parts like a composition root):
 *   - core/ imports nothing from bots/, server/, worker/, cli/ or charts/;
 *   - charts/ is a leaf over core: it imports nothing from bots/, server/, worker/ or cli/;
 *   - bots/ reaches the trading core through its facade (core/trading/service.ts) only;
 *   - worker/ neither moves orders (core/trading/transitions.ts) nor queries or writes the `Order` table:
 *     it calls the trading core's order operations (core/trading/executor.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

export interface Import {
  /** Importing file, relative to the root, with forward slashes. */
  readonly from: string;
  /** Imported file, same form. */
  readonly to: string;
}

export interface Violation extends Import {
  readonly rule: string;
}

const ROOTS = ['core', 'bots', 'server', 'worker', 'cli', 'charts'] as const;
const TRADING_FACADE = 'core/trading/service.ts';

const top = (path: string) => path.split('/')[0] ?? '';

export function isProduction(path: string): boolean {
  return !/\.test\.tsx?$/.test(path) && !path.split('/').includes('testing');
}

/** Module specifiers of static imports/exports and dynamic `import()` calls, comments removed first. */
export function specifiers(source: string): string[] {
  const code = withoutComments(source);
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

export function check(imports: readonly Import[]): Violation[] {
  const out: Violation[] = [];
  for (const i of imports) {
    if (!isProduction(i.from)) continue;
    const [a, b] = [top(i.from), top(i.to)];
    if (a === 'core' && ['bots', 'server', 'worker', 'cli', 'charts'].includes(b))
      out.push({ ...i, rule: `core/ must not import ${b}/` });
    if (a === 'charts' && ['bots', 'server', 'worker', 'cli'].includes(b))
      out.push({ ...i, rule: `charts/ must not import ${b}/` });
    if (a === 'bots' && i.to.startsWith('core/trading/') && i.to !== TRADING_FACADE)
      out.push({ ...i, rule: `bots/ reaches trading through ${TRADING_FACADE} only` });
    if (a === 'worker' && i.to === ORDER_TRANSITIONS)
      out.push({ ...i, rule: 'worker/ moves orders through the trading operations only' });
  }
  return out;
}

const ORDER_TRANSITIONS = 'core/trading/transitions.ts';
/** Prisma's order delegate (`db.order.…`, `tx.order.…`) or raw SQL on the "Order" table. */
const ORDER_TABLE = /\b(?:db|tx|prisma)\.order\.[a-zA-Z]+\(|"Order"/;

/** Production files of worker/ that read or write the Order table themselves (comments ignored). */
export function touchesOrders(files: readonly { path: string; source: string }[]): Violation[] {
  return files
    .filter((f) => top(f.path) === 'worker' && isProduction(f.path))
    .filter((f) => ORDER_TABLE.test(withoutComments(f.source)))
    .map((f) => ({
      from: f.path,
      to: 'Order',
      rule: 'worker/ reaches orders through the trading operations only',
    }));
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every source file of the checked folders, with its text. */
export function sourcesOf(root: string): { path: string; source: string }[] {
  return ROOTS.flatMap((dir) =>
    sourceFiles(root, dir).map((path) => ({ path, source: readFileSync(join(root, path), 'utf8') })),
  );
}

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(root, path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every relative import between files of the checked folders. */
export function importsOf(root: string): Import[] {
  const out: Import[] = [];
  for (const dir of ROOTS) {
    for (const from of sourceFiles(root, dir)) {
      for (const spec of specifiers(readFileSync(join(root, from), 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = relative(root, normalize(join(root, dirname(from), spec)))
          .split(sep)
          .join('/');
        out.push({ from, to });
      }
    }
  }
  return out;
}

if (import.meta.main) {
  const found = [...check(importsOf(process.cwd())), ...touchesOrders(sourcesOf(process.cwd()))];
  for (const v of found) console.log(`${v.from} → ${v.to}: ${v.rule}`);
  console.log(found.length ? `${found.length} violation(s)` : 'import graph: no violations');
  process.exitCode = found.length ? 1 : 0;
}
