/**
 * Markdown subset (core/agent/markdown.ts) → Discord markdown. The core's syntax is close to Discord's,
 * but the source is never passed through: every text node is escaped so user, exchange or model text
 * cannot open a spoiler, a heading, a quote or a masked link; mentions are neutralised separately by
 * `allowed_mentions: { parse: [] }` on every message. Discord has no tables: they become monospaced
 * blocks with padded columns.
 */
import { escapeMarkdown } from 'discord.js';
import { type Block, type Inline, parseMarkdown } from '../../core/agent/markdown.ts';

/** Escapes what Discord would read as markup, line starts included (#, >, -, 1.). */
export function escapeDiscord(text: string): string {
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
    .replace(/^>/gm, '\\>')
    .replace(/</g, '<\u200b');
}

function codeSpan(text: string): string {
  // A span cannot hold its own delimiter; double backticks with padding can hold single ones.
  const clean = text.replace(/``+/g, (m) => m.split('').join('\u200b'));
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function renderInlines(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return escapeDiscord(n.text);
        case 'code':
          return codeSpan(n.text);
        case 'bold':
          return `**${renderInlines(n.children)}**`;
        case 'italic':
          return `*${renderInlines(n.children)}*`;
        case 'link':
          return `[${escapeDiscord(n.text).replace(/[[\]]/g, '\\$&')}](<${n.url}>)`;
        default:
          return '';
      }
    })
    .join('');
}

function codeBlock(lang: string, text: string): string {
  return `\`\`\`${lang}\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_h, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => (cells[i] ?? '').padEnd(w))
      .join('  ')
      .trimEnd();
  return codeBlock(
    '',
    [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'),
  );
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return renderInlines(block.inlines);
    case 'list':
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${renderInlines(item)}`)
        .join('\n');
    case 'code':
      return codeBlock(block.lang, block.text);
    case 'table':
      return table(block.header, block.rows);
    default:
      return '';
  }
}

export function toDiscordMarkdown(markdown: string): string {
  return parseMarkdown(markdown).map(renderBlock).join('\n\n');
}
