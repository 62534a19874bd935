/**
 * The README's architecture diagram against the import graph (test/architecture-diagram.test.ts; or
 * `npx tsx scripts/architecture-diagram.ts` prints the differences). Each production file belongs to
 * one box of the diagram; an import between two boxes needs an arrow, and an arrow needs an import.
 * An arrow from or to a subgraph (`core`, `bots`) stands for any box inside it. Arrows into `infra`
 * (config, logger, db, errors, metrics, format…) are implicit, everything uses them; arrows to the
 * stores (`pg`, `redis`) are not imports and are not checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Import, importsOf, isProduction } from './import-graph.ts';

const GROUPS: Readonly<Record<string, string>> = {
  agent: 'core',
  facade: 'core',
  trading: 'core',
  market: 'core',
  rest: 'core',
  infra: 'core',
  discord: 'bots',
  telegram: 'bots',
  console: 'bots',
  bots: 'bots',
};
const STORES = new Set(['pg', 'redis']);
const REST = new Set(['identity', 'vault', 'broadcast', 'signals', 'news', 'apikeys']);

/** The diagram box a file is drawn in, or undefined (generated code, prisma/). */
export function boxOf(path: string): string | undefined {
  const [top, sub] = path.split('/');
  if (path === 'core/trading/service.ts') return 'facade';
  if (top === 'core') {
    if (sub === 'agent' || sub === 'trading' || sub === 'market') return sub;
    return sub && REST.has(sub) ? 'rest' : 'infra';
  }
  if (top === 'bots') return sub && ['discord', 'telegram', 'console'].includes(sub) ? sub : 'bots';
  return top && ['cli', 'server', 'worker', 'charts'].includes(top) ? top : undefined;
}

export type Edge = readonly [from: string, to: string];

/** Arrows of the first mermaid block after "## Architecture": `a --> b & c`, `a & b --> c`. */
export function diagramEdges(readme: string): Edge[] {
  const section = readme.slice(readme.indexOf('## Architecture'));
  const block = /```mermaid\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const out: Edge[] = [];
  for (const line of block.split('\n')) {
    const m = /^\s*([\w\s&]+?)\s*-->\s*([\w\s&]+?)\s*$/.exec(line);
    if (!m) continue;
    const split = (s: string) => s.split('&').map((x) => x.trim());
    for (const a of split(m[1]!)) for (const b of split(m[2]!)) out.push([a, b]);
  }
  return out;
}

/** Box-to-box imports of production code, each once. */
export function importEdges(imports: readonly Import[]): Edge[] {
  const seen = new Map<string, Edge>();
  for (const i of imports) {
    if (!isProduction(i.from)) continue;
    const a = boxOf(i.from);
    const b = boxOf(i.to);
    if (!a || !b || a === b || b === 'infra') continue;
    // The bots role's own files wire the platforms inside the same subgraph.
    if (a === 'bots' && GROUPS[b] === 'bots') continue;
    seen.set(`${a}>${b}`, [a, b]);
  }
  return [...seen.values()];
}

const stands = (drawn: string, box: string) => drawn === box || GROUPS[box] === drawn;

export function compare(drawn: readonly Edge[], actual: readonly Edge[]) {
  return {
    /** Imports no arrow stands for. */
    missing: actual.filter(([a, b]) => !drawn.some(([x, y]) => stands(x, a) && stands(y, b))),
    /** Arrows no import backs. */
    extra: drawn.filter(([x, y]) => !STORES.has(y) && !actual.some(([a, b]) => stands(x, a) && stands(y, b))),
  };
}

export function checkReadme(root: string) {
  return compare(diagramEdges(readFileSync(join(root, 'README.md'), 'utf8')), importEdges(importsOf(root)));
}

if (import.meta.main) {
  const { missing, extra } = checkReadme(process.cwd());
  for (const [a, b] of missing) console.log(`missing arrow: ${a} --> ${b}`);
  for (const [a, b] of extra) console.log(`arrow without an import: ${a} --> ${b}`);
  process.exitCode = missing.length || extra.length ? 1 : 0;
}
