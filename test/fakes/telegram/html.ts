/**
 * The Bot API's "HTML style" parse mode, as documented at core.telegram.org/bots/api#formatting-options,
 * implemented strictly so the fake rejects every message the real Bot API would refuse (and a few it
 * would silently "fix", such as bold around code, because those render differently than we meant).
 *
 * Rules enforced:
 * - only the documented tags: b strong i em u ins s strike del span.tg-spoiler tg-spoiler a[href]
 *   tg-emoji[emoji-id] code pre pre>code.language-x blockquote[expandable];
 * - every <, > and & outside a tag or entity is an error; only &lt; &gt; &amp; &quot; and numeric
 *   entities are accepted;
 * - tags close in order; an unclosed tag is an error;
 * - nesting: bold/italic/underline/strikethrough/spoiler may contain and be inside anything except pre
 *   and code; blockquotes do not nest; all other entities never contain each other;
 * - strings must be valid UTF-16 (a lone surrogate is not encodable as UTF-8);
 * - text is 1-4096 characters after entity parsing (captions 0-1024), counted in UTF-16 code units.
 */

export type EntityType =
  | 'bold'
  | 'italic'
  | 'underline'
  | 'strikethrough'
  | 'spoiler'
  | 'code'
  | 'pre'
  | 'text_link'
  | 'custom_emoji'
  | 'blockquote'
  | 'expandable_blockquote';

export interface MessageEntity {
  readonly type: EntityType;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
  readonly custom_emoji_id?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly text: string; readonly entities: readonly MessageEntity[] }
  | { readonly ok: false; readonly description: string };

const STYLES = new Set<EntityType>(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);

const SIMPLE_TAGS: Readonly<Record<string, EntityType>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const START_TAG = /^<([a-z][a-z0-9-]*)((?:\s+[a-z][a-z-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*>/;
const END_TAG = /^<\/([a-z][a-z0-9-]*)\s*>/;
const ATTRIBUTE = /([a-z][a-z-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

class ParseError extends Error {}

function fail(message: string): never {
  throw new ParseError(message);
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

/** Decodes one entity at `source[i] === '&'`; returns the text and how many source characters it used. */
function decodeEntity(source: string, i: number): { text: string; used: number } {
  const named = /^&(lt|gt|amp|quot);/.exec(source.slice(i, i + 6));
  if (named) return { text: { lt: '<', gt: '>', amp: '&', quot: '"' }[named[1]!]!, used: named[0].length };
  const numeric = /^&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));/.exec(source.slice(i, i + 12));
  if (numeric) {
    const code = numeric[1] ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff))
      return { text: String.fromCodePoint(code), used: numeric[0].length };
  }
  return fail(`Unsupported HTML entity or unescaped "&" at byte offset ${byteOffset(source, i)}`);
}

function decodeAttribute(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) {
    if (value[i] === '&') {
      const { text, used } = decodeEntity(value, i);
      out += text;
      i += used;
    } else out += value[i++];
  }
  return out;
}

function parseAttributes(raw: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of raw.matchAll(ATTRIBUTE)) attrs.set(m[1]!, decodeAttribute(m[2] ?? m[3] ?? m[4] ?? ''));
  return attrs;
}

function validUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'tg:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

interface Open {
  readonly tag: string;
  readonly type: EntityType;
  readonly start: number;
  readonly url?: string;
  readonly language?: string;
  readonly emojiId?: string;
}

function openTag(tag: string, attrs: Map<string, string>, parent: Open | undefined, at: string): Open {
  const only = (...allowed: string[]) => {
    for (const name of attrs.keys())
      if (!allowed.includes(name)) fail(`Unsupported attribute "${name}" of tag "${tag}" at ${at}`);
  };
  if (tag === 'a') {
    only('href');
    const href = attrs.get('href');
    if (href === undefined || !validUrl(href)) fail(`Invalid or missing href of tag "a" at ${at}`);
    return { tag, type: 'text_link', start: 0, url: href };
  }
  if (tag === 'span') {
    only('class');
    if (attrs.get('class') !== 'tg-spoiler') fail(`Tag "span" must have class "tg-spoiler" at ${at}`);
    return { tag, type: 'spoiler', start: 0 };
  }
  if (tag === 'tg-emoji') {
    only('emoji-id');
    const id = attrs.get('emoji-id');
    if (!id || !/^\d+$/.test(id)) fail(`Tag "tg-emoji" needs a numeric emoji-id at ${at}`);
    return { tag, type: 'custom_emoji', start: 0, emojiId: id };
  }
  if (tag === 'blockquote') {
    only('expandable');
    return { tag, type: attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote', start: 0 };
  }
  if (tag === 'code' && attrs.size) {
    only('class');
    const language = /^language-(.+)$/.exec(attrs.get('class') ?? '')?.[1];
    if (!language) fail(`Unsupported class of tag "code" at ${at}`);
    if (parent?.type !== 'pre') fail(`A language can only be given to code inside pre, at ${at}`);
    return { tag, type: 'code', start: 0, language };
  }
  const type = SIMPLE_TAGS[tag];
  if (!type) fail(`Unsupported start tag "${tag}" at ${at}`);
  only();
  return { tag, type, start: 0 };
}

/** Whether `outer` may contain `inner` (both non-empty, `inner` inside `outer`). */
function mayContain(outer: EntityType, inner: EntityType): boolean {
  const fixed = (t: EntityType) => t === 'pre' || t === 'code';
  if (STYLES.has(outer)) return !fixed(inner);
  if (STYLES.has(inner)) return !fixed(outer);
  const quote = (t: EntityType) => t === 'blockquote' || t === 'expandable_blockquote';
  return quote(outer) && !quote(inner);
}

function checkNesting(entities: readonly MessageEntity[]): void {
  for (const outer of entities)
    for (const inner of entities) {
      if (outer === inner) continue;
      const inside =
        inner.offset >= outer.offset && inner.offset + inner.length <= outer.offset + outer.length;
      if (inside && !mayContain(outer.type, inner.type))
        fail(`Entity "${inner.type}" can't be nested inside entity "${outer.type}"`);
    }
}

/** Parses `html` as the Bot API does with parse_mode HTML. */
export function parseHtml(html: string): ParseResult {
  if (LONE_SURROGATE.test(html))
    return { ok: false, description: 'Bad Request: strings must be encoded in UTF-8' };
  try {
    let text = '';
    const stack: Open[] = [];
    const entities: MessageEntity[] = [];
    let i = 0;
    while (i < html.length) {
      const ch = html[i]!;
      const at = `byte offset ${byteOffset(html, i)}`;
      if (ch === '&') {
        const { text: decoded, used } = decodeEntity(html, i);
        text += decoded;
        i += used;
      } else if (ch === '<') {
        const rest = html.slice(i, i + 2_000);
        const end = END_TAG.exec(rest);
        if (end) {
          const open = stack.pop();
          if (!open || open.tag !== end[1]) fail(`Unmatched end tag at ${at}, expected "</${open?.tag}>"`);
          const length = text.length - open.start;
          const parent = stack.at(-1);
          if (open.language !== undefined && parent?.type === 'pre') {
            // <pre><code class="language-x"> sets the language of the pre entity instead of nesting.
            stack[stack.length - 1] = { ...parent, language: open.language };
          } else if (length > 0)
            entities.push({
              type: open.type,
              offset: open.start,
              length,
              ...(open.url === undefined ? {} : { url: open.url }),
              ...(open.language === undefined ? {} : { language: open.language }),
              ...(open.emojiId === undefined ? {} : { custom_emoji_id: open.emojiId }),
            });
          i += end[0].length;
          continue;
        }
        const start = START_TAG.exec(rest);
        if (!start) fail(`Unescaped "<" or malformed tag at ${at}`);
        const open = openTag(start[1]!, parseAttributes(start[2] ?? ''), stack.at(-1), at);
        stack.push({ ...open, start: text.length });
        i += start[0].length;
      } else if (ch === '>') {
        fail(`Unescaped ">" at ${at}`);
      } else {
        text += ch;
        i++;
      }
    }
    const unclosed = stack.pop();
    if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
    entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
    checkNesting(entities);
    return { ok: true, text, entities };
  } catch (err) {
    if (err instanceof ParseError)
      return { ok: false, description: `Bad Request: can't parse entities: ${err.message}` };
    throw err;
  }
}

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Validates a message text or caption as the Bot API would, with or without parse_mode HTML. */
export function checkFormatted(
  value: string,
  parseMode: string | undefined,
  kind: 'text' | 'caption',
): ParseResult {
  let parsed: ParseResult;
  if (parseMode === undefined || parseMode === '') {
    parsed = LONE_SURROGATE.test(value)
      ? { ok: false, description: 'Bad Request: strings must be encoded in UTF-8' }
      : { ok: true, text: value, entities: [] };
  } else if (parseMode === 'HTML') parsed = parseHtml(value);
  // The fake only implements the mode the bot uses; anything else must not pass unchecked.
  else
    return { ok: false, description: `Bad Request: the fake Bot API does not check parse_mode ${parseMode}` };
  if (!parsed.ok) return parsed;
  if (kind === 'text' && parsed.text.trim() === '')
    return { ok: false, description: 'Bad Request: message text is empty' };
  if (kind === 'text' && parsed.text.length > TEXT_LIMIT)
    return { ok: false, description: 'Bad Request: message is too long' };
  if (kind === 'caption' && parsed.text.length > CAPTION_LIMIT)
    return { ok: false, description: 'Bad Request: message caption is too long' };
  return parsed;
}
