/**
 * Markdown subset (core/agent/markdown.ts) → Telegram HTML (parse_mode "HTML").
 *
 * HTML rather than MarkdownV2: HTML needs three characters escaped (& < >, plus " inside attributes) in
 * every context, while MarkdownV2 has eighteen, with different sets inside code, pre and link URLs; a
 * single missed backslash makes Telegram refuse the whole message. Every text node from the parsed
 * structure is escaped here, so no user, exchange or model text can open a tag.
 *
 * Telegram forbids bold/italic around code or pre, so styles are closed around code spans. Telegram
 * counts the 4096/1024 limits after entity parsing, so `telegramLength` measures the visible text.
 */
import type { Block, Inline } from '../../core/agent/markdown.ts';
import { parseMarkdown } from '../../core/agent/markdown.ts';
import type { Measure } from '../../core/agent/split.ts';

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const escapeAttribute = (text: string): string => escapeHtml(text).replace(/"/g, '&quot;');

export interface Rendered {
  /** What goes in `text` or `caption` with parse_mode HTML. */
  readonly html: string;
  /** The text Telegram shows, without markup: what its length limits count. */
  readonly plain: string;
}

interface Style {
  readonly bold: boolean;
  readonly italic: boolean;
}

/** A flat piece of inline content with the styles that apply to it. */
type Run =
  | { readonly kind: 'text'; readonly text: string; readonly style: Style }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly url: string; readonly style: Style };

function flatten(nodes: readonly Inline[], style: Style, out: Run[]): Run[] {
  for (const node of nodes) {
    if (node.type === 'text') out.push({ kind: 'text', text: node.text, style });
    else if (node.type === 'code') out.push({ kind: 'code', text: node.text });
    else if (node.type === 'link') out.push({ kind: 'link', text: node.text, url: node.url, style });
    else if (node.type === 'bold') flatten(node.children, { ...style, bold: true }, out);
    else flatten(node.children, { ...style, italic: true }, out);
  }
  return out;
}

function styled(html: string, style: Style): string {
  const italic = style.italic ? `<i>${html}</i>` : html;
  return style.bold ? `<b>${italic}</b>` : italic;
}

function renderInlines(nodes: readonly Inline[]): Rendered {
  let html = '';
  let plain = '';
  const runs = flatten(nodes, { bold: false, italic: false }, []);
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    if (run.kind === 'code') {
      html += `<code>${escapeHtml(run.text)}</code>`;
      plain += run.text;
    } else if (run.kind === 'link') {
      html += styled(`<a href="${escapeAttribute(run.url)}">${escapeHtml(run.text)}</a>`, run.style);
      plain += run.text;
    } else {
      // Adjacent runs with the same style merge so "**a** **b**" style splits do not multiply tags.
      let text = run.text;
      while (i + 1 < runs.length) {
        const next = runs[i + 1]!;
        if (
          next.kind !== 'text' ||
          next.style.bold !== run.style.bold ||
          next.style.italic !== run.style.italic
        )
          break;
        text += next.text;
        i++;
      }
      // Whitespace-only styled runs would become empty-looking entities; send them unstyled.
      html += text.trim() ? styled(escapeHtml(text), run.style) : escapeHtml(text);
      plain += text;
    }
  }
  return { html, plain };
}

function renderTable(block: Extract<Block, { type: 'table' }>): Rendered {
  const rows = [block.header, ...block.rows];
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(...rows.map((r) => [...(r[c] ?? '')].length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((w, c) => {
        const cell = cells[c] ?? '';
        return cell + ' '.repeat(w - [...cell].length);
      })
      .join('  ')
      .trimEnd();
  const plain = [
    line(block.header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...block.rows.map(line),
  ].join('\n');
  return { html: `<pre>${escapeHtml(plain)}</pre>`, plain };
}

function renderBlock(block: Block): Rendered {
  switch (block.type) {
    case 'paragraph':
      return renderInlines(block.inlines);
    case 'code': {
      if (!block.text.trim()) return { html: '', plain: '' };
      const body = escapeHtml(block.text);
      const html = block.lang
        ? `<pre><code class="language-${escapeAttribute(block.lang)}">${body}</code></pre>`
        : `<pre>${body}</pre>`;
      return { html, plain: block.text };
    }
    case 'list': {
      const items = block.items.map((inlines, i) => {
        const marker = block.ordered
          ? `${/^\s*(\d{1,3})/.exec(block.rawItems[i] ?? '')?.[1] ?? i + 1}. `
          : '• ';
        const item = renderInlines(inlines);
        return { html: marker + item.html, plain: marker + item.plain };
      });
      return { html: items.map((r) => r.html).join('\n'), plain: items.map((r) => r.plain).join('\n') };
    }
    case 'table':
      return renderTable(block);
  }
}

/** Renders Markdown-subset text to Telegram HTML. */
export function renderMarkdown(markdown: string): Rendered {
  const blocks = parseMarkdown(markdown)
    .map(renderBlock)
    .filter((b) => b.plain.trim() !== '');
  return { html: blocks.map((b) => b.html).join('\n\n'), plain: blocks.map((b) => b.plain).join('\n\n') };
}

/** What Telegram counts against its limits: visible characters in UTF-16 code units. */
export const telegramLength: Measure = (markdown) => renderMarkdown(markdown).plain.length;
