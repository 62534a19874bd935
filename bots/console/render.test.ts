import { describe, expect, it } from 'vitest';
import { renderMarkdown, safe } from './render.ts';

describe('console rendering of the Markdown subset', () => {
  it('renders bold, lists and links as plain text without colour', () => {
    expect(renderMarkdown('**Open orders**\n- `abc` Buy 1 BTC\n- see [docs](https://x.io)')).toBe(
      'Open orders\n\n  • abc Buy 1 BTC\n  • see docs (https://x.io)',
    );
  });

  it('uses ANSI styles when the terminal has colour', () => {
    expect(renderMarkdown('**hi**', true)).toBe('\x1b[1mhi\x1b[22m');
  });

  it('aligns tables, numbers to the right', () => {
    expect(renderMarkdown('| Asset | Amount |\n|---|---:|\n| BTC | 0.5 |\n| DOGE | 1,000 |')).toBe(
      ['Asset  Amount', '-----  ------', 'BTC       0.5', 'DOGE    1,000'].join('\n'),
    );
  });

  it('strips terminal escape sequences and control characters from any text', () => {
    expect(safe('ok\x1b[2J\x1b[31mred\x07\u202Eevil')).toBe('okredevil');
    const rendered = renderMarkdown('`\x1b]0;title\x07x`');
    expect([...rendered].some((c) => c === '\x1b' || c === '\x07')).toBe(false);
  });
});
