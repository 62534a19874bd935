import { describe, expect, it } from 'vitest';
import { check, importsOf, sourcesOf, specifiers, touchesOrders } from '../scripts/import-graph.ts';

describe('import graph', () => {
  it('points one way: core imports no outer layer, charts is a leaf, bots use the trading facade', () => {
    const imports = importsOf(process.cwd());
    // The scanner sees the graph at all (a broken scanner would find no violations in nothing).
    expect(imports).toContainEqual({ from: 'charts/studies.ts', to: 'core/market/indicators/series.ts' });
    expect(check(imports)).toEqual([]);
  });

  it('reports each forbidden direction, and not test code', () => {
    const found = check([
      { from: 'core/agent/bindings.ts', to: 'charts/sentiment.ts' },
      { from: 'core/x.ts', to: 'bots/role.ts' },
      { from: 'core/x.ts', to: 'server/role.ts' },
      { from: 'core/x.ts', to: 'worker/role.ts' },
      { from: 'core/x.ts', to: 'cli/services.ts' },
      { from: 'charts/x.ts', to: 'bots/role.ts' },
      { from: 'bots/role.ts', to: 'core/trading/confirm-handle.ts' },
      { from: 'bots/role.ts', to: 'core/trading/service.ts' },
      { from: 'core/agent/x.test.ts', to: 'charts/png-pixels.ts' },
      { from: 'cli/services.ts', to: 'charts/render.ts' },
    ]);
    expect(found.map((v) => `${v.from} → ${v.to}`)).toEqual([
      'core/agent/bindings.ts → charts/sentiment.ts',
      'core/x.ts → bots/role.ts',
      'core/x.ts → server/role.ts',
      'core/x.ts → worker/role.ts',
      'core/x.ts → cli/services.ts',
      'charts/x.ts → bots/role.ts',
      'bots/role.ts → core/trading/confirm-handle.ts',
    ]);
  });

  it('keeps worker/ off the Order table and its transitions: it calls the trading operations', () => {
    expect(touchesOrders(sourcesOf(process.cwd()))).toEqual([]);
    expect(
      check([{ from: 'worker/dead-letter.ts', to: 'core/trading/transitions.ts' }]).map((v) => v.from),
    ).toEqual(['worker/dead-letter.ts']);
    const found = touchesOrders([
      { path: 'worker/a.ts', source: 'await deps.db.order.findMany({ where: {} });' },
      { path: 'worker/b.ts', source: 'await tx.order.update({ where: { id } });' },
      { path: 'worker/c.ts', source: 'await db.$queryRaw`SELECT id FROM "Order"`;' },
      { path: 'worker/d.ts', source: 'return outcome.order.status; // db.order.findMany()' },
      { path: 'worker/e.test.ts', source: 'await h.app.db.order.findUniqueOrThrow({ where: { id } });' },
      { path: 'core/trading/f.ts', source: 'await tx.order.update({ where: { id } });' },
    ]);
    expect(found.map((v) => v.from)).toEqual(['worker/a.ts', 'worker/b.ts', 'worker/c.ts']);
  });

  it('reads static, type-only, re-export, side-effect and dynamic imports, not comments', () => {
    const source = [
      "import { a } from './a.ts';",
      'import type {',
      '  B,',
      "} from '../b.ts';",
      "export { c } from './c.ts';",
      "import './d.ts';",
      "const e = await import('./e.ts');",
      "// import { f } from './f.ts';",
      "/** import { g } from './g.ts'; */",
      "const url = 'http://x'; import { h } from './h.ts';",
    ].join('\n');
    expect(specifiers(source).sort()).toEqual(
      ['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts', './h.ts'].sort(),
    );
  });
});
