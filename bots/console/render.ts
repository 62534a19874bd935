/**
 * Replies' Markdown subset → terminal text: bold/italic as ANSI when the terminal has colour, lists with
 * bullets, tables aligned in columns, links as "text (url)". Control characters in any text are removed,
 * so a message cannot move the cursor or recolour the terminal.
 */
import { type Block, type Inline, parseMarkdown } from '../../core/agent/markdown.ts';

const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  italic: ['\x1b[3m', '\x1b[23m'],
  code: ['\x1b[36m', '\x1b[39m'],
} as const;

/** Removes terminal control sequences and control characters (newlines and tabs stay). */
export function safe(text: string): string {
  return (
    text
      // ESC [ ... final byte: the CSI sequences that move the cursor or change colours.
      .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g'), '')
      .replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
  );
}

function inline(nodes: readonly Inline[], color: boolean): string {
  const wrap = (kind: keyof typeof ANSI, s: string) => (color ? `${ANSI[kind][0]}${s}${ANSI[kind][1]}` : s);
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return safe(n.text);
        case 'bold':
          return wrap('bold', inline(n.children, color));
        case 'italic':
          return wrap('italic', inline(n.children, color));
        case 'code':
          return wrap('code', safe(n.text));
        default:
          return `${safe(n.text)} (${safe(n.url)})`;
      }
    })
    .join('');
}

const numeric = (cell: string) => /^[+-]?[\d,.]+( [A-Z]{2,6})?%?$|^–$/.test(cell);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((r) => r.map(safe));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

function block(b: Block, color: boolean): string {
  switch (b.type) {
    case 'paragraph':
      return inline(b.inlines, color);
    case 'list':
      return b.items.map((item, i) => `  ${b.ordered ? `${i + 1}.` : '•'} ${inline(item, color)}`).join('\n');
    case 'code':
      return safe(b.text)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    case 'table':
      return table(b.header, b.rows);
  }
}

export function renderMarkdown(markdown: string, color = false): string {
  return parseMarkdown(markdown)
    .map((b) => block(b, color))
    .join('\n\n');
}
