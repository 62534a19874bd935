import { describe, expect, it } from 'vitest';
import { boxOf, checkReadme, compare, diagramEdges, importEdges } from '../scripts/architecture-diagram.ts';

describe("the README's architecture diagram", () => {
  it('has an arrow for every import between its boxes, and an import behind every arrow', () => {
    expect(checkReadme(process.cwd())).toEqual({ missing: [], extra: [] });
  });

  it('reads arrows with & on either side, only from the Architecture section', () => {
    const readme = [
      '```mermaid\nflowchart LR\n  x --> y\n```',
      '## Architecture',
      '```mermaid',
      'flowchart LR',
      '  cli["cli/ (the command)"]',
      '  cli --> bots & core',
      '  a & b --> c',
      '```',
    ].join('\n');
    expect(diagramEdges(readme)).toEqual([
      ['cli', 'bots'],
      ['cli', 'core'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
  });

  it('reports an import without an arrow and an arrow without an import; a subgraph stands for its boxes', () => {
    expect(boxOf('core/trading/service.ts')).toBe('facade');
    expect(boxOf('core/news/parse.ts')).toBe('rest');
    expect(boxOf('core/format/numbers.ts')).toBe('infra');
    expect(boxOf('bots/discord/cards.ts')).toBe('discord');
    const actual = importEdges([
      { from: 'bots/discord/cards.ts', to: 'core/agent/ports.ts' },
      { from: 'charts/alt.ts', to: 'core/format/numbers.ts' },
      { from: 'core/agent/x.test.ts', to: 'charts/render.ts' },
      { from: 'server/app.ts', to: 'core/market/types.ts' },
    ]);
    expect(actual).toEqual([
      ['discord', 'agent'],
      ['server', 'market'],
    ]);
    expect(
      compare(
        [
          ['bots', 'agent'],
          ['charts', 'market'],
          ['trading', 'pg'],
        ],
        actual,
      ),
    ).toEqual({ missing: [['server', 'market']], extra: [['charts', 'market']] });
  });
});
