/**
 * Compressed responses for bodies computed once and sent many times (the cached /v1/signals pages):
 * each coding of a body is compressed the first time a client asks for it and kept with the body, so
 * a cache hit compresses nothing. Real HTTP clients (browsers, fetch/undici, axios, Python requests)
 * all send `Accept-Encoding: gzip, deflate, br` or similar; a page of 50 signals is about 20 kB as
 * JSON and about 1 kB compressed, which is most of what sending it costs either side.
 *
 * Negotiation follows RFC 9110 §12.5.3, written here rather than taken from @fastify/accept-negotiator
 * (the one negotiator among our dependencies, through @fastify/static): that one answers `br` to
 * `br;q=0, *` (a `*` stands for the first supported coding even when that one is refused by name).
 * Codings are case-insensitive, `x-gzip` is `gzip`, a coding not named is acceptable only through `*`,
 * `identity` is acceptable unless refused by name or through `*;q=0` (not named, it weighs as much as
 * the least wanted coding named, as in the `negotiator` package that Express uses), and a coding
 * weighted below `identity` loses to it. Ties go to br (smaller), then gzip. When everything is
 * refused, identity is sent anyway (the RFC's alternative is a 415 no client could use). No header
 * means identity too: it is what a client that sends none (curl, autocannon) expects to read.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

export type Coding = 'br' | 'gzip';

/** Server preference among codings the client weights equally. */
const CODINGS: readonly Coding[] = ['br', 'gzip'];

/** Smaller bodies are sent as they are: the framing would eat the gain. */
export const MIN_COMPRESSIBLE_BYTES = 1_024;

/** A weight as RFC 9110 §12.4.2 writes it: 0, 1, or up to three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The weight of each coding named in an Accept-Encoding value; an element with a malformed weight is dropped. */
function weights(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const element of header.split(',')) {
    const [name = '', ...params] = element.split(';');
    let coding = name.trim().toLowerCase();
    if (coding === '') continue;
    if (coding === 'x-gzip') coding = 'gzip';
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
      const value = param.slice(eq + 1).trim();
      q = QVALUE.test(value) ? Number(value) : Number.NaN;
    }
    if (!Number.isNaN(q)) out.set(coding, Math.max(q, out.get(coding) ?? 0));
  }
  return out;
}

function negotiate(header: string): Coding | undefined {
  const q = weights(header);
  const any = q.get('*');
  // Not named (nor `*`): as acceptable as the least wanted coding named, so `gzip;q=0.5` still gets gzip.
  let least = 1;
  for (const weight of q.values()) if (weight > 0) least = Math.min(least, weight);
  const identity = q.get('identity') ?? any ?? least;
  let best: Coding | undefined;
  let bestQ = 0;
  for (const coding of CODINGS) {
    const weight = q.get(coding) ?? any ?? 0;
    if (weight > bestQ) {
      best = coding;
      bestQ = weight;
    }
  }
  return best !== undefined && bestQ >= identity ? best : undefined;
}

/** Distinct Accept-Encoding values are few (one or two per client library); bounded all the same. */
const MAX_REMEMBERED = 256;
const remembered = new Map<string, Coding | null>();

/** The coding to send for this request's Accept-Encoding header, or undefined for the body as it is. */
export function negotiateCoding(header: string | string[] | undefined): Coding | undefined {
  if (header === undefined) return undefined;
  const value = typeof header === 'string' ? header : header.join(',');
  const known = remembered.get(value);
  if (known !== undefined) return known ?? undefined;
  const coding = negotiate(value);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(value, coding ?? null);
  return coding;
}

/** @fastify/compress's defaults: brotli quality 4 in text mode (quality 11, zlib's default, takes 40 ms for 20 kB), gzip level 6. */
function compress(body: Buffer, coding: Coding): Buffer {
  if (coding === 'gzip') return gzipSync(body);
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** A body and its compressed forms, each made the first time it is asked for. */
export class Representations {
  private readonly coded: Partial<Record<Coding, Buffer | null>> = {};

  constructor(readonly identity: Buffer) {}

  /** The body in `coding`, or undefined when it is too small for compression to pay. */
  encoded(coding: Coding): Buffer | undefined {
    let bytes = this.coded[coding];
    if (bytes === undefined) {
      const made = this.identity.length < MIN_COMPRESSIBLE_BYTES ? null : compress(this.identity, coding);
      bytes = made && made.length < this.identity.length ? made : null;
      this.coded[coding] = bytes;
    }
    return bytes ?? undefined;
  }
}

/** `Vary` with Accept-Encoding added to what is already there (CORS adds Origin). */
export function varyOnAcceptEncoding(current: unknown): string {
  if (typeof current !== 'string' || current.trim() === '') return 'Accept-Encoding';
  if (current.trim() === '*' || /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(current)) return current;
  return `${current}, Accept-Encoding`;
}

/**
 * The body in the coding this request accepts, or as it is; sets `Vary` (every answer depends on the
 * header, identity ones too, for caches in between) and `Content-Encoding` when coded.
 */
export function inAcceptedCoding(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Representations,
): Buffer {
  const coding = negotiateCoding(request.headers['accept-encoding']);
  const encoded = coding === undefined ? undefined : body.encoded(coding);
  reply.header('vary', varyOnAcceptEncoding(reply.getHeader('vary')));
  if (encoded) reply.header('content-encoding', coding);
  return encoded ?? body.identity;
}

/**
 * An onSend hook for JSON routes whose body is serialized per request (candles, PnL, performance):
 * a 200 goes out in the coding its request accepts. Viewers of one chart get the same bytes until the
 * cache behind it moves on, so each distinct body is compressed once (known by its hash; the last
 * `bodies` kept). Other statuses (errors) go out as they are.
 */
export function compressedJson(bodies = 64) {
  const made = new LRUCache<string, Representations>({ max: bodies });
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    // Too small to compress: nothing worth remembering.
    if (payload.length < MIN_COMPRESSIBLE_BYTES)
      return inAcceptedCoding(request, reply, new Representations(Buffer.from(payload)));
    const key = createHash('sha256').update(payload).digest('base64');
    let body = made.get(key);
    if (!body) {
      body = new Representations(Buffer.from(payload));
      made.set(key, body);
    }
    return inAcceptedCoding(request, reply, body);
  };
}
