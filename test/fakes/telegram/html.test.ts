/**
 * The fake's HTML parser is what the formatting test trusts, so it is tested against the Bot API
 * documentation's own examples and rules: it must accept what Telegram accepts and refuse the rest.
 */
import { describe, expect, it } from 'vitest';
import { checkFormatted, parseHtml } from './html.ts';

const accepted = (html: string) => {
  const r = parseHtml(html);
  if (!r.ok) throw new Error(`${html} → ${r.description}`);
  return r;
};

const refused = (html: string) => {
  const r = parseHtml(html);
  expect(r.ok, html).toBe(false);
  return r.ok ? '' : r.description;
};

describe('fake Bot API HTML parse mode', () => {
  it('accepts the documented example and yields text and UTF-16 entities', () => {
    const r = accepted(
      '<b>bold</b>, <strong>bold</strong> <i>italic</i> <u>u</u> <s>s</s> <span class="tg-spoiler">sp</span> ' +
        '<tg-spoiler>sp</tg-spoiler> <b>bold <i>italic bold <s>strike</s></i></b> ' +
        '<a href="http://www.example.com/">inline URL</a> <code>inline code</code> <pre>pre</pre> ' +
        '<pre><code class="language-python">print(1)</code></pre> <blockquote>q</blockquote>',
    );
    expect(r.text.startsWith('bold, bold italic u s sp sp bold italic bold strike inline URL')).toBe(true);
    expect(r.entities.find((e) => e.type === 'pre' && e.language === 'python')).toBeDefined();
    expect(r.entities.some((e) => e.type === 'code' && e.language)).toBe(false);
  });

  it('decodes the four named entities and numeric ones, counting UTF-16 units', () => {
    const r = accepted('&lt;&gt;&amp;&quot; &#128512;&#x1F600; <b>😀</b>');
    expect(r.text).toBe('<>&" 😀😀 😀');
    expect(r.entities).toEqual([{ type: 'bold', offset: 10, length: 2 }]);
  });

  it('refuses unescaped <, > and &, unknown entities and unknown tags', () => {
    for (const html of ['a < b', 'a > b', 'fish & chips', '&nbsp;', '&#xD800;', '<x>y</x>', '<br>', '<b>'])
      refused(html);
    expect(refused('<p>x</p>')).toContain("can't parse entities");
  });

  it('refuses tags closed out of order and attributes it does not know', () => {
    refused('<b><i>x</b></i>');
    refused('<b>x</i>');
    refused('<b class="x">y</b>');
    refused('<span>y</span>');
    refused('<a>no href</a>');
    refused('<a href="javascript:alert(1)">x</a>');
    refused('<code class="language-js">no pre</code>');
  });

  it('applies the nesting rules: no style around code/pre, no entity inside a link or code', () => {
    refused('<b>a <code>c</code></b>');
    refused('<i><pre>p</pre></i>');
    refused('<code><b>x</b></code>');
    refused('<a href="https://x.io"><code>c</code></a>');
    refused('<a href="https://x.io">a <a href="https://y.io">b</a></a>');
    refused('<blockquote>a<blockquote>b</blockquote></blockquote>');
    accepted('<a href="https://x.io"><b>bold link</b></a>');
    accepted('<b><a href="https://x.io">link in bold</a></b>');
  });

  it('refuses lone surrogates, empty and too long texts and captions', () => {
    expect(checkFormatted('a\uD800b', 'HTML', 'text')).toMatchObject({ ok: false });
    expect(checkFormatted('a\uDC00', undefined, 'text')).toMatchObject({ ok: false });
    expect(checkFormatted('<b> </b>', 'HTML', 'text')).toMatchObject({ ok: false });
    expect(checkFormatted('x'.repeat(4096), 'HTML', 'text')).toMatchObject({ ok: true });
    expect(checkFormatted(`<b>${'x'.repeat(4096)}</b>`, 'HTML', 'text')).toMatchObject({ ok: true });
    expect(checkFormatted('x'.repeat(4097), 'HTML', 'text')).toMatchObject({ ok: false });
    expect(checkFormatted('&amp;'.repeat(1024), 'HTML', 'caption')).toMatchObject({ ok: true });
    expect(checkFormatted('x'.repeat(1025), 'HTML', 'caption')).toMatchObject({ ok: false });
    expect(checkFormatted('*x*', 'MarkdownV2', 'text')).toMatchObject({ ok: false });
  });
});
