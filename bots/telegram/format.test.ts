/**
 * Hostile text through every reply kind: each Telegram message we would send is checked by the fake Bot
 * API's parser (test/fakes/telegram/html.ts, itself tested against the documented rules). Nothing may be
 * refused, nothing may exceed a limit, and literal user text must reach the reader unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { actions, image, type Reply, text } from '../../core/agent/reply.ts';
import { checkFormatted, parseHtml } from '../../test/fakes/telegram/html.ts';
import { renderMarkdown } from './format.ts';
import { type Outgoing, toOutgoing } from './outgoing.ts';

const MARKDOWN_V2_SPECIALS = '_*[]()~`>#+-=|{}.!\\';
const HOSTILE = [
  MARKDOWN_V2_SPECIALS,
  [...MARKDOWN_V2_SPECIALS].join(' '),
  '<b>not bold</b> <script>alert(1)</script> &amp; &lt; &#x41; & < > " \'',
  '<a href="javascript:alert(1)">x</a> <pre><code class="language-js">',
  '**bold *nested _deep `code` deep_ italic* bold** `unclosed',
  '[link](https://example.com/a_b*c?x=1&y=<2>) [bad](javascript:alert(1)) [q](https://x.io/"onmouseover=1)',
  '```js\nconst a = "<b>" && 1 < 2;\n```\n```\nunclosed fence & <',
  '| a | <b> |\n|---|---|\n| & | 😀 |\n| x_y | *z* |',
  '- item <1>\n- item & 2\n1. one\n2. two',
  '😀👍🏽👨‍👩‍👧‍👦🇺🇦 — ＜fullwidth＞ 𝓤𝓷𝓲𝓬𝓸𝓭𝓮 \u200b\u200d zero-width',
  'x'.repeat(5000),
  `${'🚀'.repeat(3000)}`,
  `word ${'&'.repeat(4500)} word`,
  `${'a<'.repeat(2500)}`,
  Array.from({ length: 400 }, (_, i) => `line ${i} **b${i}** _i${i}_ \`c${i}\` <${i}>`).join('\n'),
];

function check(out: readonly Outgoing[]): string[] {
  const visible: string[] = [];
  for (const m of out) {
    if (m.kind === 'text') {
      const r = checkFormatted(m.html, 'HTML', 'text');
      if (!r.ok) throw new Error(`${r.description}\n${m.html.slice(0, 300)}`);
      visible.push(r.text);
      for (const row of m.keyboard?.inline_keyboard ?? [])
        for (const b of row) {
          const data = 'callback_data' in b ? b.callback_data : '';
          const bytes = Buffer.byteLength(data ?? '');
          expect(bytes >= 1 && bytes <= 64).toBe(true);
        }
    } else if (m.caption !== undefined) {
      const r = checkFormatted(m.caption, 'HTML', 'caption');
      if (!r.ok) throw new Error(`${r.description}\n${m.caption.slice(0, 300)}`);
      visible.push(r.text);
    }
  }
  return visible;
}

const proposal = { handle: 'h1', ownerUserId: 'u1', expiresAt: new Date(0) };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** `markdown` in every reply kind; `alt` is plain text (not Markdown), so it gets the raw string. */
function everyKind(markdown: string, alt = markdown): Reply[][] {
  return [
    [text(markdown)],
    [image(PNG, alt, 'c.png', markdown)],
    [image(PNG, alt, 'c.png')],
    [actions(markdown, proposal)],
  ];
}

/**
 * Whitespace may move between split parts. A "- " at a line start is list syntax that core's
 * escapeMarkdown leaves alone, so it shows as a bullet; that is the core's choice, not a rendering loss.
 */
const squash = (s: string) => s.replace(/\s+/g, '').replace(/•/g, '-');

describe('Telegram formatting of hostile text', () => {
  it('sends every reply kind without a message the Bot API would refuse', () => {
    for (const hostile of HOSTILE)
      for (const replies of everyKind(hostile)) {
        const out = toOutgoing(replies);
        expect(out.length).toBeGreaterThan(0);
        check(out);
      }
  });

  it('shows literal user text exactly, whatever it contains, when the core escapes it', () => {
    for (const hostile of HOSTILE) {
      const literal = escapeMarkdown(hostile);
      for (const replies of everyKind(literal, hostile)) {
        const shown = check(toOutgoing(replies)).join('');
        // Splitting may move whitespace between messages; every other character arrives in order.
        expect(squash(shown)).toContain(squash(hostile));
      }
    }
  });

  it('splits long replies into parts that each fit, keeping the buttons on the last part', () => {
    const long = Array.from({ length: 300 }, (_, i) => `Paragraph ${i} with **bold** & <tags>.`).join('\n\n');
    const out = toOutgoing([actions(long, proposal)]);
    expect(out.length).toBeGreaterThan(1);
    check(out);
    expect(out.filter((m) => m.kind === 'text' && m.keyboard).length).toBe(1);
    expect(out.at(-1)).toMatchObject({ kind: 'text', keyboard: { inline_keyboard: [[{}, {}]] } });
  });

  it('moves a caption over 1024 visible characters into text after the photo', () => {
    const out = toOutgoing([image(PNG, 'alt', 'c.png', 'y'.repeat(1500))]);
    expect(out.map((m) => m.kind)).toEqual(['photo', 'text']);
    check(out);
  });

  it('renders the subset to the intended entities, styles closed around code', () => {
    const r = renderMarkdown('**Buy `BTC/USDT`** at _30,000 & up_ [chart](https://x.io/?a=1&b="2")');
    const parsed = parseHtml(r.html);
    expect(parsed).toMatchObject({ ok: true, text: r.plain });
    expect(r.plain).toBe('Buy BTC/USDT at 30,000 & up chart');
    expect(parsed.ok && parsed.entities.map((e) => e.type)).toEqual(['bold', 'code', 'italic', 'text_link']);
    expect(parsed.ok && parsed.entities.at(-1)?.url).toBe('https://x.io/?a=1&b="2"');
  });

  it('never produces a refused message for arbitrary Unicode input (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        ...[...MARKDOWN_V2_SPECIALS],
        '**',
        '```',
        '\n',
        '\n\n',
        '| a | b |\n|---|---|\n',
        '&',
        '<',
        '>',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const markdown = pieces.join('');
        for (const replies of everyKind(markdown)) check(toOutgoing(replies));
      }),
      { numRuns: 300 },
    );
  });

  it('the visible text of the rendering is exactly what Telegram parses out of it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const r = renderMarkdown(s);
        if (!r.plain.trim()) return;
        const parsed = parseHtml(r.html);
        if (/[\uD800-\uDFFF]/.test(s) && !parsed.ok) return; // lone surrogates: see the next test
        expect(parsed).toMatchObject({ ok: true, text: r.plain });
      }),
      { numRuns: 500 },
    );
  });
});
