import { describe, expect, it } from 'vitest';
import { escapeMarkdown, parseInlines, parseMarkdown, plainText } from './markdown.ts';

describe('inline Markdown subset', () => {
  it('parses bold, italic, code and links', () => {
    expect(parseInlines('a **b** _c_ *d* `e` [f](https://x.io/y)')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'bold', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'italic', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'italic', children: [{ type: 'text', text: 'd' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'e' },
      { type: 'text', text: ' ' },
      { type: 'link', text: 'f', url: 'https://x.io/y' },
    ]);
  });

  it('nests italic inside bold', () => {
    expect(parseInlines('**a _b_**')).toEqual([
      {
        type: 'bold',
        children: [
          { type: 'text', text: 'a ' },
          { type: 'italic', children: [{ type: 'text', text: 'b' }] },
        ],
      },
    ]);
  });

  it('keeps unclosed markers, snake_case and 2*3*4 as literal text', () => {
    for (const s of ['**open', 'snake_case_name', 'a * b', '`tick', '[x](javascript:alert(1))'])
      expect(plainText(parseInlines(s))).toBe(s);
  });

  it('does not turn javascript: or relative URLs into links', () => {
    expect(parseInlines('[x](javascript:alert)').every((n) => n.type === 'text')).toBe(true);
    expect(parseInlines('[x](/etc/passwd)').every((n) => n.type === 'text')).toBe(true);
  });

  it('escapeMarkdown makes any value render literally', () => {
    const hostile = '**BTC** _x_ `y` [z](https://evil.example) | a\\b';
    expect(plainText(parseInlines(escapeMarkdown(hostile)))).toBe(hostile);
    expect(parseInlines(escapeMarkdown(hostile)).every((n) => n.type === 'text')).toBe(true);
  });
});

describe('block Markdown subset', () => {
  it('parses paragraphs, lists, code fences and tables', () => {
    const blocks = parseMarkdown(
      [
        '# Title',
        'First line',
        'second line',
        '',
        '- one',
        '- two **bold**',
        '',
        '1. a',
        '2. b',
        '',
        '```ts',
        'const x = 1;',
        '',
        'x++;',
        '```',
        '| Asset | Qty |',
        '|---|--:|',
        '| BTC | 0.5 |',
        '| ETH | 2 |',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph', 'list', 'list', 'code', 'table']);
    expect(blocks[0]).toMatchObject({ inlines: [{ type: 'bold' }] });
    expect(blocks[1]).toMatchObject({ inlines: [{ type: 'text', text: 'First line\nsecond line' }] });
    expect(blocks[2]).toMatchObject({
      ordered: false,
      items: [[{ text: 'one' }], [{ text: 'two ' }, { type: 'bold' }]],
    });
    expect(blocks[3]).toMatchObject({ ordered: true });
    expect(blocks[4]).toMatchObject({ type: 'code', lang: 'ts', text: 'const x = 1;\n\nx++;' });
    expect(blocks[5]).toMatchObject({
      header: ['Asset', 'Qty'],
      rows: [
        ['BTC', '0.5'],
        ['ETH', '2'],
      ],
    });
  });

  it('closes an unclosed code fence instead of leaking it into later messages', () => {
    const [block] = parseMarkdown('```\nnever closed');
    expect(block).toMatchObject({ type: 'code', text: 'never closed', raw: '```\nnever closed\n```' });
  });

  it('a pipe line without a separator row is a paragraph, not a table', () => {
    expect(parseMarkdown('| just | pipes |')[0]?.type).toBe('paragraph');
  });
});
