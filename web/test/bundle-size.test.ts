/**
 * The dashboard's initial load stays within 150 kB of JavaScript, gzipped: the entry script and every
 * chunk it imports statically (what the browser must fetch before the page can run). Chunks loaded on
 * demand (the charts) are reported alongside but not counted. Reads the build the bootstrap made.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '..', 'dist');
const BUDGET = 150_000;

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** Static imports of an ES module chunk: `import … from"./x.js"` and `import"./x.js"`, not `import("…")`. */
function staticImports(file: string): string[] {
  const code = readFileSync(join(DIST, file), 'utf8');
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g))
    found.add(new URL(m[1]!, `file:///${dir}`).pathname.slice(1));
  return [...found];
}

function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const roots = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const dep of staticImports(f)) visit(dep);
  };
  for (const r of roots) visit(r);
  return [...seen];
}

describe('dashboard build size', () => {
  it('loads at most 150 kB of JavaScript (gzipped) before the page runs', () => {
    expect(
      existsSync(join(DIST, 'index.html')),
      'web/dist is missing: run the tests through `npm test`',
    ).toBe(true);
    const initial = initialScripts();
    expect(initial.length).toBeGreaterThan(0);
    const bytes = initial.reduce((sum, f) => sum + gz(f), 0);
    const lazy = readdirSync(join(DIST, 'assets'))
      .map((f) => `assets/${f}`)
      .filter((f) => f.endsWith('.js') && !initial.includes(f));
    const lazyBytes = lazy.reduce((sum, f) => sum + gz(f), 0);
    console.log(
      `dashboard JS, gzipped: initial ${(bytes / 1000).toFixed(1)} kB in ${initial.length} file(s) ` +
        `(budget ${BUDGET / 1000} kB); loaded on demand ${(lazyBytes / 1000).toFixed(1)} kB in ${lazy.length}`,
    );
    expect(bytes).toBeLessThanOrEqual(BUDGET);
  });
});
