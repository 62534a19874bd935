/**
 * Splits Markdown-subset text into chunks that each fit a platform limit, cutting only between blocks,
 * list items, table rows (the header is repeated), code lines (each piece re-fenced) or words, and never
 * inside a bold/italic/code/link span unless that span alone is longer than the limit (then it is cut
 * between words and re-wrapped in its markers). Only a single word longer than the limit is cut inside.
 *
 * `measure` lets an adapter count what it will really send (escaped MarkdownV2, HTML) instead of source
 * characters; the default counts UTF-16 units, which is what Telegram and Discord count.
 */
import { type Block, parseInlineSpans, parseMarkdown } from './markdown.ts';

export type Measure = (text: string) => number;

const length: Measure = (text) => text.length;

/** Greedy packing of pieces into chunks of at most `limit`, joined by `sep`. */
function pack(pieces: readonly string[], limit: number, sep: string, measure: Measure): string[] {
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const candidate = current ? current + sep + piece : piece;
    if (measure(candidate) <= limit) current = candidate;
    else {
      if (current) out.push(current);
      current = piece;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Last resort for one over-long word: cut by code points so no surrogate pair is broken. */
function hardCut(text: string, limit: number, measure: Measure): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of text) {
    if (current && measure(current + ch) > limit) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Words with their trailing whitespace, so re-joining the pieces restores the text exactly. */
function words(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function fitWords(parts: readonly string[], limit: number, measure: Measure): string[] {
  const pieces = parts.flatMap((w) => (measure(w) <= limit ? [w] : hardCut(w, limit, measure)));
  return pack(pieces, limit, '', measure)
    .map((c) => c.trim())
    .filter(Boolean);
}

function splitParagraph(raw: string, limit: number, measure: Measure): string[] {
  const atoms: string[] = [];
  for (const span of parseInlineSpans(raw)) {
    if (span.node.type === 'text') atoms.push(...words(span.raw));
    else if (measure(span.raw) <= limit) atoms.push(span.raw);
    else {
      // A styled span longer than the limit: cut it between words and re-open the style in each piece.
      const open = /^(\*\*|\*|_|`|\[)/.exec(span.raw)?.[1] ?? '';
      const close = open === '[' ? '' : open;
      const inner = open === '[' ? span.raw : span.raw.slice(open.length, span.raw.length - close.length);
      const room = Math.max(1, limit - open.length - close.length);
      const innerMeasure: Measure = (t) => measure(open === '[' ? t : open + t + close);
      for (const piece of fitWords(words(inner), room, innerMeasure))
        atoms.push(open === '[' ? piece : `${open}${piece}${close} `);
    }
  }
  return fitWords(atoms, limit, measure);
}

function splitCode(block: Extract<Block, { type: 'code' }>, limit: number, measure: Measure): string[] {
  const open = `\`\`\`${block.lang}\n`;
  const close = '\n```';
  const fenced: Measure = (t) => measure(open + t + close);
  const room = Math.max(1, limit - measure(open + close));
  const lines = block.text
    .split('\n')
    .flatMap((line) => (fenced(line) <= limit ? [line] : hardCut(line, room, measure)));
  return pack(lines, limit, '\n', fenced).map((body) => open + body + close);
}

function splitTable(block: Extract<Block, { type: 'table' }>, limit: number, measure: Measure): string[] {
  const headed: Measure = (t) => measure(`${block.rawHeader}\n${t}`);
  const chunks = pack(block.rawRows, limit, '\n', headed);
  // A single row wider than the limit leaves the table shape: it is sent as a paragraph of its cells.
  return chunks.flatMap((rows) =>
    headed(rows) <= limit ? [`${block.rawHeader}\n${rows}`] : splitParagraph(rows, limit, measure),
  );
}

function splitList(block: Extract<Block, { type: 'list' }>, limit: number, measure: Measure): string[] {
  const items = block.rawItems.flatMap((item) =>
    measure(item) <= limit ? [item] : splitParagraph(item, limit, measure),
  );
  return pack(items, limit, '\n', measure);
}

function splitBlock(block: Block, limit: number, measure: Measure): string[] {
  if (measure(block.raw) <= limit) return [block.raw];
  switch (block.type) {
    case 'code':
      return splitCode(block, limit, measure);
    case 'table':
      return splitTable(block, limit, measure);
    case 'list':
      return splitList(block, limit, measure);
    case 'paragraph':
      return splitParagraph(block.raw, limit, measure);
  }
}

/** Chunks of `markdown`, each with `measure(chunk) <= limit`, in order, nothing dropped. */
export function splitMarkdown(markdown: string, limit: number, measure: Measure = length): string[] {
  if (!Number.isFinite(limit) || measure(markdown) <= limit) return markdown.trim() ? [markdown.trim()] : [];
  const pieces = parseMarkdown(markdown).flatMap((b) => splitBlock(b, limit, measure));
  return pack(pieces, limit, '\n\n', measure);
}
