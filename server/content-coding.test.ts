/**
 * Accept-Encoding negotiation (RFC 9110 §12.5.3) as the signals pages use it, and a body's coded forms
 * made once. The routes' side (Vary, lengths, HEAD, cursors) is in rest-routes.test.ts.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { negotiateCoding, Representations, varyOnAcceptEncoding } from './content-coding.ts';

describe('negotiateCoding', () => {
  it.each([
    // What real clients send.
    ['gzip, deflate, br, zstd', 'br'], // Chrome, Firefox
    ['gzip, deflate, br', 'br'], // Python requests with brotli, undici fetch
    ['gzip, deflate', 'gzip'], // Python requests, older fetch
    ['gzip, compress, deflate, br', 'br'], // axios
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', 'br'], // curl --compressed
    // Weights, case, legacy names, wildcards.
    ['gzip;q=1, br;q=0.9', 'gzip'],
    ['GZip ; Q=0.5', 'gzip'],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['br;q=0, *', 'gzip'],
    ['gzip;q=0, *;q=0.5', 'br'],
    ['identity;q=0.5, gzip', 'gzip'],
    ['gzip, identity', 'gzip'],
    ['gzip;q=0.001', 'gzip'],
    ['gzip;q=0.5, gzip;q=0.9', 'gzip'],
    ['gzip;q=0.5, *', 'br'],
    ['gzip;q=0.5, *;q=0.4', 'gzip'],
    // Identity: nothing accepted, or identity weighted higher.
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['identity;q=0', undefined],
    ['gzip;q=0', undefined],
    ['*;q=0', undefined],
    ['br;q=0, gzip;q=0, *', undefined],
    ['gzip;q=0.5, identity', undefined],
    ['gzip;q=0.5, identity;q=0.9', undefined],
    ['deflate, compress, zstd', undefined],
    ['gzip;q=2', undefined],
    ['gzip;q=0.1234', undefined],
    ['gzip;q=', undefined],
    [',, ;q=1', undefined],
  ] as const)('%j → %s', (header, coding) => {
    expect(negotiateCoding(header)).toBe(coding);
    expect(negotiateCoding(header), 'remembered').toBe(coding);
  });
});

describe('Representations', () => {
  const body = Buffer.from(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, s: 'x' })) }));

  it('compresses each coding once, to bytes that decompress to the body', () => {
    const page = new Representations(body);
    const br = page.encoded('br')!;
    const gzip = page.encoded('gzip')!;
    expect(brotliDecompressSync(br).equals(body)).toBe(true);
    expect(gunzipSync(gzip).equals(body)).toBe(true);
    expect(page.encoded('br')).toBe(br);
    expect(page.encoded('gzip')).toBe(gzip);
    expect(page.identity).toBe(body);
  });

  it('keeps a small body as it is', () => {
    const page = new Representations(Buffer.from('{"items":[],"nextCursor":null}'));
    expect(page.encoded('br')).toBeUndefined();
    expect(page.encoded('gzip')).toBeUndefined();
  });
});

describe('varyOnAcceptEncoding', () => {
  it.each([
    [undefined, 'Accept-Encoding'],
    ['', 'Accept-Encoding'],
    ['Origin', 'Origin, Accept-Encoding'],
    ['Origin, accept-encoding', 'Origin, accept-encoding'],
    ['*', '*'],
  ])('%j → %j', (current, vary) => {
    expect(varyOnAcceptEncoding(current)).toBe(vary);
  });
});
