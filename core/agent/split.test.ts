import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './markdown.ts';
import { actions, fitReplies, image, type PlatformLimits, text } from './reply.ts';
import { splitMarkdown } from './split.ts';

const fences = (s: string) => (s.match(/^```/gm) ?? []).length;
const wordsOf = (s: string) =>
  s
    .replace(/```\w*|\*\*|[|`]|-{3,}/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

describe('splitMarkdown', () => {
  it('returns short text unchanged as one chunk', () => {
    expect(splitMarkdown('hello **world**', 4096)).toEqual(['hello **world**']);
  });

  it('cuts a long paragraph between words, never inside one', () => {
    const para = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const chunks = splitMarkdown(para, 100);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(100);
    expect(chunks.join(' ')).toBe(para);
  });

  it('keeps a bold span whole when it fits, and re-wraps it when it alone exceeds the limit', () => {
    const para = `${'a '.repeat(40)}**keep these words together** ${'b '.repeat(40)}`;
    expect(splitMarkdown(para, 60).some((c) => c.includes('**keep these words together**'))).toBe(true);
    const huge = `**${Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')}**`;
    const chunks = splitMarkdown(huge, 40);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c).toMatch(/^\*\*.*\*\*$/);
  });

  it('splits a code block between lines and re-fences every piece', () => {
    const code = `\`\`\`python\n${Array.from({ length: 60 }, (_, i) => `print(${i})`).join('\n')}\n\`\`\``;
    const chunks = splitMarkdown(`Intro\n\n${code}\n\nOutro`, 200);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(200);
      expect(fences(c) % 2).toBe(0);
    }
    const codeChunks = chunks.filter((c) => c.includes('print('));
    expect(codeChunks.length).toBeGreaterThan(1);
    for (const c of codeChunks) expect(c).toMatch(/^```python\n[\s\S]*\n```$/m);
    const lines = codeChunks.flatMap((c) => c.split('\n').filter((l) => l.startsWith('print(')));
    expect(lines).toHaveLength(60);
  });

  it('splits a table between rows and repeats the header', () => {
    const rows = Array.from({ length: 80 }, (_, i) => `| ASSET${i} | ${i * 1.5} |`);
    const table = ['| Asset | Qty |', '|---|---|', ...rows].join('\n');
    const chunks = splitMarkdown(table, 300);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.startsWith('| Asset | Qty |\n|---|---|\n')).toBe(true);
      expect(parseMarkdown(c)[0]?.type).toBe('table');
    }
    expect(chunks.flatMap((c) => c.split('\n').slice(2))).toEqual(rows);
  });

  it('splits a list between items', () => {
    const items = Array.from({ length: 50 }, (_, i) => `- item number ${i}`);
    const chunks = splitMarkdown(items.join('\n'), 120);
    expect(chunks.flatMap((c) => c.split('\n'))).toEqual(items);
  });

  it('uses the adapter-provided measure (escaped length), not source length', () => {
    const para = Array.from({ length: 100 }, () => 'a.b').join(' ');
    const escaped = (s: string) => s.replace(/[.]/g, '\\.').length;
    for (const c of splitMarkdown(para, 50, escaped)) expect(escaped(c)).toBeLessThanOrEqual(50);
  });

  it('cuts only a single word longer than the limit, on code point boundaries', () => {
    const chunks = splitMarkdown('🚀'.repeat(30), 10);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(10);
      expect(c).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(chunks.join('')).toBe('🚀'.repeat(30));
  });

  it('property: every chunk fits, fences stay balanced and no word is lost', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
    const para = fc.array(word, { minLength: 1, maxLength: 80 }).map((w) => w.join(' '));
    const bold = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => `**${w.join(' ')}**`);
    const list = fc
      .array(para, { minLength: 1, maxLength: 8 })
      .map((ps) => ps.map((p) => `- ${p}`).join('\n'));
    const code = fc
      .array(word, { minLength: 1, maxLength: 30 })
      .map((ls) => `\`\`\`\n${ls.join('\n')}\n\`\`\``);
    const table = fc
      .array(fc.tuple(word, word), { minLength: 1, maxLength: 20 })
      .map((rs) => ['| k | v |', '|---|---|', ...rs.map(([a, b]) => `| ${a} | ${b} |`)].join('\n'));
    const block = fc.oneof(
      para,
      fc.tuple(para, bold, para).map((p) => p.join(' ')),
      list,
      code,
      table,
    );
    fc.assert(
      fc.property(
        fc.array(block, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 60, max: 600 }),
        (blocks, limit) => {
          const md = blocks.join('\n\n');
          const chunks = splitMarkdown(md, limit);
          for (const c of chunks) {
            expect(c.length).toBeLessThanOrEqual(limit);
            expect(fences(c) % 2).toBe(0);
            expect((c.match(/\*\*/g) ?? []).length % 2).toBe(0);
          }
          // Table headers are repeated by design; compare the words of everything else.
          const strip = (s: string) => wordsOf(s.replace(/^\| k \| v \|$/gm, ''));
          expect(strip(chunks.join('\n'))).toEqual(strip(md));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fitReplies', () => {
  // Limits as the adapters give them (bots/discord/render.ts, bots/telegram/outgoing.ts).
  const DISCORD: PlatformLimits = { text: 2000, caption: 2000 };
  const TELEGRAM: PlatformLimits = { text: 4096, caption: 1024 };
  const long = Array.from({ length: 900 }, (_, i) => `w${i}`).join(' ');

  it('splits text to a 2000-character limit and keeps everything', () => {
    const out = fitReplies([text(long)], DISCORD);
    expect(out.length).toBeGreaterThan(1);
    for (const r of out) expect(r.kind === 'text' && r.markdown.length <= 2000).toBe(true);
  });

  it('keeps the buttons of an action card on its last part', () => {
    const card = actions(long, { handle: 'h1', ownerUserId: 'u1', expiresAt: new Date(0) });
    const out = fitReplies([card], DISCORD);
    expect(out.map((r) => r.kind)).toEqual([...Array(out.length - 1).fill('text'), 'actions']);
  });

  it('moves a caption longer than a 1024 limit into a text reply after the image', () => {
    const out = fitReplies([image(Buffer.from('png'), 'alt', 'c.png', long.slice(0, 2000))], TELEGRAM);
    expect(out.map((r) => r.kind)).toEqual(['image', 'text']);
    expect(out[0]).not.toHaveProperty('caption');
  });

  it('leaves a short caption on the image', () => {
    const out = fitReplies([image(Buffer.from('png'), 'alt', 'c.png', 'BTC 1h')], TELEGRAM);
    expect(out).toEqual([expect.objectContaining({ kind: 'image', caption: 'BTC 1h' })]);
  });
});
