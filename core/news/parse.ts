/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom documents → raw items, with fast-xml-parser (validated first, so a
 * malformed document is refused as a whole instead of half-read). Namespace prefixes are dropped, so
 * `content:encoded`, `dc:date` and `atom:link` read like their plain names. Values stay strings; what
 * they mean is decided in normalize.ts.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface RawItem {
  readonly title: string;
  readonly link: string;
  readonly guid: string;
  readonly published: string;
  /** HTML or text, as the feed gives it. */
  readonly summary: string;
}

export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'rdf';
  readonly title: string;
  readonly items: readonly RawItem[];
}

export class FeedParseError extends Error {
  constructor(
    readonly reason: 'malformed' | 'not_a_feed',
    message: string,
  ) {
    super(message);
    this.name = 'FeedParseError';
  }
}

type Node = unknown;
type Obj = Record<string, Node>;

const ALWAYS_ARRAY = new Set(['item', 'entry', 'link']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ALWAYS_ARRAY.has(name),
  // Internal DTD entities are a classic amplification vector; feeds do not need them.
  processEntities: { enabled: true, maxEntityCount: 20, maxEntitySize: 1_000, maxExpandedLength: 100_000 },
});

const isObj = (n: Node): n is Obj => typeof n === 'object' && n !== null && !Array.isArray(n);

/** All text below a node (Atom type="xhtml" content is a tree). */
function textOf(n: Node): string {
  if (n === undefined || n === null) return '';
  if (typeof n === 'string') return n;
  if (typeof n === 'number' || typeof n === 'boolean') return String(n);
  if (Array.isArray(n)) return n.length ? textOf(n[0]) : '';
  const obj = n as Obj;
  if ('#text' in obj) return textOf(obj['#text']);
  return Object.entries(obj)
    .filter(([k]) => !k.startsWith('@_'))
    .map(([, v]) => (Array.isArray(v) ? v.map(textOf).join(' ') : textOf(v)))
    .join(' ');
}

const first = (...values: Node[]): string => {
  for (const v of values) {
    const t = textOf(v).trim();
    if (t) return t;
  }
  return '';
};

function atomLink(links: Node): string {
  if (!Array.isArray(links)) return textOf(links);
  const objs = links.filter(isObj);
  const alternate = objs.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate');
  const href = (alternate ?? objs[0])?.['@_href'];
  return typeof href === 'string' ? href : first(links[0]);
}

/** RSS `<link>` is text; some feeds also carry an `<atom:link rel="self" href>` that must be skipped. */
function rssLink(links: Node): string {
  if (!Array.isArray(links)) return textOf(links);
  for (const l of links) if (typeof l === 'string' && l.trim()) return l.trim();
  for (const l of links) if (isObj(l) && '#text' in l) return textOf(l);
  return '';
}

function rssItem(i: Obj): RawItem {
  return {
    title: first(i.title),
    link: rssLink(i.link),
    guid: first(i.guid),
    published: first(i.pubDate, i.date, i.published, i.updated),
    summary: first(i.description, i.encoded, i.summary),
  };
}

function atomEntry(e: Obj): RawItem {
  return {
    title: first(e.title),
    link: atomLink(e.link),
    guid: first(e.id),
    published: first(e.published, e.updated, e.issued, e.modified),
    summary: first(e.summary, e.content),
  };
}

const asObjs = (n: Node): Obj[] => (Array.isArray(n) ? n : n === undefined ? [] : [n]).filter(isObj);

export function parseFeed(xml: string): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new FeedParseError('malformed', `line ${valid.err.line}: ${valid.err.msg}`.slice(0, 300));
  let doc: Obj;
  try {
    doc = parser.parse(xml) as Obj;
  } catch (err) {
    throw new FeedParseError('malformed', err instanceof Error ? err.message.slice(0, 300) : 'unreadable');
  }
  if (isObj(doc.rss)) {
    const channel = asObjs(doc.rss.channel)[0] ?? {};
    return { format: 'rss', title: first(channel.title), items: asObjs(channel.item).map(rssItem) };
  }
  if (isObj(doc.feed)) {
    return { format: 'atom', title: first(doc.feed.title), items: asObjs(doc.feed.entry).map(atomEntry) };
  }
  if (isObj(doc.RDF)) {
    const channel = asObjs(doc.RDF.channel)[0] ?? {};
    return { format: 'rdf', title: first(channel.title), items: asObjs(doc.RDF.item).map(rssItem) };
  }
  throw new FeedParseError(
    'not_a_feed',
    `root element is not rss, feed or RDF (${Object.keys(doc).join(', ').slice(0, 80)})`,
  );
}
