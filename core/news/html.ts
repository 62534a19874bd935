/**
 * Feed titles and summaries often carry HTML (escaped inside the XML, so the XML parser hands it over
 * as text). `htmlToText` reads it with a small scanner, not a regular expression: tags and comments are
 * dropped, the contents of script/style-like elements are dropped entirely, block boundaries become
 * spaces, character references are decoded. `cleanText` then removes what can spoof or break a chat
 * line: control and format characters (bidi overrides, zero-width), runs of whitespace.
 */

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  middot: '·',
  bull: '•',
  times: '×',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  oacute: 'ó',
  uacute: 'ú',
  iacute: 'í',
  ntilde: 'ñ',
  ccedil: 'ç',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  szlig: 'ß',
};

/** Elements whose content is never text a reader should see. */
const DROP_CONTENT = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'svg',
  'head',
  'title',
]);
const BLOCK = new Set([
  'p',
  'br',
  'div',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'section',
  'article',
  'figure',
  'figcaption',
  'img',
]);

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** `&amp;`, `&#39;`, `&#x27;` at `i` → [text, length], or undefined when it is a plain ampersand. */
function reference(s: string, i: number): [string, number] | undefined {
  const semi = s.indexOf(';', i + 1);
  if (semi < 0 || semi - i > 12) return undefined;
  const body = s.slice(i + 1, semi);
  if (body.startsWith('#')) {
    const hex = body[1] === 'x' || body[1] === 'X';
    const digits = body.slice(hex ? 2 : 1);
    if (!digits || !/^[0-9a-fA-F]+$/.test(digits) || (!hex && !/^\d+$/.test(digits))) return undefined;
    const code = Number.parseInt(digits, hex ? 16 : 10);
    if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return ['', semi - i + 1];
    return [String.fromCodePoint(code), semi - i + 1];
  }
  const named = NAMED[body.toLowerCase()];
  return named === undefined ? undefined : [named, semi - i + 1];
}

/** The end of a tag starting at `i` (index after '>'), honouring quoted attribute values. */
function tagEnd(s: string, i: number): number {
  let quote: string | undefined;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  return s.length;
}

function tagName(s: string, i: number): { name: string; closing: boolean } {
  let j = i + 1;
  const closing = s[j] === '/';
  if (closing) j++;
  let name = '';
  while (j < s.length && /[A-Za-z0-9-]/.test(s[j]!)) name += s[j++];
  return { name: name.toLowerCase(), closing };
}

function scan(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '<') {
      const next = s[i + 1];
      if (s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        i = end < 0 ? s.length : end + 3;
        continue;
      }
      if (isLetter(next) || next === '/' || next === '!' || next === '?') {
        const { name, closing } = tagName(s, i);
        let end = tagEnd(s, i);
        if (!closing && DROP_CONTENT.has(name)) {
          const close = s.toLowerCase().indexOf(`</${name}`, end);
          end = close < 0 ? s.length : tagEnd(s, close);
        }
        if (BLOCK.has(name) || DROP_CONTENT.has(name)) out += ' ';
        i = end;
        continue;
      }
      out += c;
      i++;
    } else if (c === '&') {
      const ref = reference(s, i);
      if (ref) {
        out += ref[0];
        i += ref[1];
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Control characters, bidi embedding/override/isolate marks, zero-width and other format characters,
 * and private-use/noncharacters: none belongs in a headline, several can make one read as another.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u{FFFE}\u{FFFF}\u{FFFD}]/gu;

export function cleanText(s: string): string {
  return s.normalize('NFC').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * HTML (or plain text) → one clean line. Two passes: text that was HTML-escaped twice ("&amp;lt;b&amp;gt;")
 * comes out of the first pass as markup and is stripped by the second.
 */
export function htmlToText(html: string): string {
  const once = scan(html);
  return cleanText(once.includes('<') ? scan(once) : once);
}

/** At most `max` characters, cut at a word boundary with an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
