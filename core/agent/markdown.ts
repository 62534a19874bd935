/**
 * The Markdown subset replies are written in, parsed into a structure adapters render safely
 * (Telegram MarkdownV2/HTML, Discord markdown, console ANSI). Anything outside the subset stays literal
 * text, so a model or a user cannot smuggle platform markup through: adapters escape every text node.
 *
 * Subset: **bold**, *italic* / _italic_, `code`, ```fenced code```, [links](https://…), "- " and "1. "
 * lists, pipe tables, paragraphs. "# Heading" lines become bold paragraphs.
 */

export type Inline =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'bold'; readonly children: readonly Inline[] }
  | { readonly type: 'italic'; readonly children: readonly Inline[] }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'link'; readonly text: string; readonly url: string };

export type Block =
  | { readonly type: 'paragraph'; readonly inlines: readonly Inline[]; readonly raw: string }
  | {
      readonly type: 'list';
      readonly ordered: boolean;
      readonly items: readonly (readonly Inline[])[];
      /** Source of each item, marker included. */
      readonly rawItems: readonly string[];
      readonly raw: string;
    }
  | { readonly type: 'code'; readonly lang: string; readonly text: string; readonly raw: string }
  | {
      readonly type: 'table';
      /** Cells are plain text: no platform renders Markdown inside a monospaced table. */
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly raw: string;
      readonly rawHeader: string;
      readonly rawRows: readonly string[];
    };

/** A top-level inline node and the source it came from (the split helper cuts between these). */
export interface InlineSpan {
  readonly node: Inline;
  readonly raw: string;
}

const PUNCT = /[\\`*_[\]()~>#+\-=|{}.!]/;
const LINK_URL = /^(https?:\/\/|mailto:)[^\s)]+$/;

function isBoundary(ch: string | undefined): boolean {
  return ch === undefined || /[\s\p{P}]/u.test(ch);
}

/** Finds the closing `marker` for a span opened at `from`; -1 when the span is not closed. */
function findClose(src: string, from: number, marker: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src.startsWith(marker, i)) {
      if (marker === '*' && src[i + 1] === '*') {
        i++;
        continue;
      }
      if (marker === '_' && !isBoundary(src[i + 1])) continue;
      if (i > from && !/\s/.test(src[i - 1] ?? '')) return i;
    }
  }
  return -1;
}

export function parseInlineSpans(src: string): InlineSpan[] {
  const out: InlineSpan[] = [];
  let text = '';
  let textStart = 0;
  const flush = (end: number) => {
    if (text) out.push({ node: { type: 'text', text }, raw: src.slice(textStart, end) });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const start = i;
    let span: { node: Inline; end: number } | undefined;
    if (ch === '\\' && i + 1 < src.length && PUNCT.test(src[i + 1]!)) {
      if (!text) textStart = i;
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const close = src.indexOf('`', i + 1);
      if (close > i + 1) span = { node: { type: 'code', text: src.slice(i + 1, close) }, end: close + 1 };
    } else if (ch === '*' && src[i + 1] === '*' && src[i + 2] && !/\s/.test(src[i + 2]!)) {
      const close = findClose(src, i + 2, '**');
      if (close > 0)
        span = { node: { type: 'bold', children: parseInlines(src.slice(i + 2, close)) }, end: close + 2 };
    } else if (
      (ch === '*' || (ch === '_' && isBoundary(src[i - 1]))) &&
      src[i + 1] &&
      !/\s/.test(src[i + 1]!)
    ) {
      const close = findClose(src, i + 1, ch);
      if (close > 0)
        span = { node: { type: 'italic', children: parseInlines(src.slice(i + 1, close)) }, end: close + 1 };
    } else if (ch === '[') {
      const m = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(src.slice(i));
      if (m && LINK_URL.test(m[2]!))
        span = { node: { type: 'link', text: m[1]!, url: m[2]! }, end: i + m[0].length };
    }
    if (span) {
      flush(start);
      out.push({ node: span.node, raw: src.slice(start, span.end) });
      i = span.end;
      textStart = i;
      continue;
    }
    if (!text) textStart = i;
    text += ch;
    i++;
  }
  flush(src.length);
  return out;
}

export function parseInlines(src: string): Inline[] {
  return parseInlineSpans(src).map((s) => s.node);
}

const FENCE_OPEN = /^\s*```\s*([\w+-]*)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,3}[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

export function tableCells(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function startsBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  return (
    FENCE_OPEN.test(line) ||
    LIST_ITEM.test(line) ||
    HEADING.test(line) ||
    (TABLE_ROW.test(line) && TABLE_SEP.test(lines[i + 1] ?? ''))
  );
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !FENCE_CLOSE.test(lines[j]!)) body.push(lines[j++]!);
      const text = body.join('\n');
      // An unclosed fence runs to the end; its raw form is re-closed so every chunk stays valid.
      blocks.push({
        type: 'code',
        lang: fence[1] ?? '',
        text,
        raw: `\`\`\`${fence[1] ?? ''}\n${text}\n\`\`\``,
      });
      i = j + 1;
      continue;
    }
    if (TABLE_ROW.test(line) && TABLE_SEP.test(lines[i + 1] ?? '')) {
      const rawRows: string[] = [];
      let j = i + 2;
      while (j < lines.length && TABLE_ROW.test(lines[j]!)) rawRows.push(lines[j++]!);
      const rawHeader = `${line}\n${lines[i + 1]}`;
      blocks.push({
        type: 'table',
        header: tableCells(line),
        rows: rawRows.map(tableCells),
        raw: [rawHeader, ...rawRows].join('\n'),
        rawHeader,
        rawRows,
      });
      i = j;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]!);
      const rawItems: string[] = [];
      let j = i;
      while (j < lines.length) {
        const m = LIST_ITEM.exec(lines[j]!);
        if (!m || /\d/.test(m[1]!) !== ordered) break;
        let raw = lines[j++]!;
        // Indented continuation lines belong to the item.
        while (j < lines.length && /^\s{2,}\S/.test(lines[j]!) && !LIST_ITEM.test(lines[j]!))
          raw += `\n${lines[j++]}`;
        rawItems.push(raw);
      }
      blocks.push({
        type: 'list',
        ordered,
        rawItems,
        items: rawItems.map((r) => parseInlines(LIST_ITEM.exec(r)?.[2] ?? r).map(trimContinuation)),
        raw: rawItems.join('\n'),
      });
      i = j;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        type: 'paragraph',
        inlines: [{ type: 'bold', children: parseInlines(heading[1]!) }],
        raw: line,
      });
      i++;
      continue;
    }
    const para: string[] = [line];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() && !startsBlock(lines, j)) para.push(lines[j++]!);
    const raw = para.join('\n');
    blocks.push({ type: 'paragraph', inlines: parseInlines(raw), raw });
    i = j;
  }
  return blocks;
}

function trimContinuation(node: Inline): Inline {
  return node.type === 'text' ? { type: 'text', text: node.text.replace(/\n\s+/g, '\n') } : node;
}

/** Text without markup, e.g. for alt text, notifications and logs. */
export function plainText(nodes: readonly Inline[]): string {
  return nodes
    .map((n) =>
      n.type === 'text' || n.type === 'code' || n.type === 'link' ? n.text : plainText(n.children),
    )
    .join('');
}

/** Escapes a value (symbol, username, model text) so it renders literally inside our Markdown. */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_[\]|]/g, (c) => `\\${c}`);
}
