/**
 * Feed bytes → text. The charset comes from a byte-order mark, else the Content-Type header, else the
 * XML declaration, else UTF-8 (the XML default). A document that claims UTF-8 but is not valid UTF-8
 * (a common misconfiguration: Latin-1 bytes behind a default header) is read as Windows-1252, which
 * keeps "é" an "é" instead of storing replacement characters.
 */

export interface Decoded {
  readonly text: string;
  /** The label actually used, e.g. "utf-8", "iso-8859-1". */
  readonly encoding: string;
  /** The declared charset was wrong or unknown and a fallback was used. */
  readonly fallback: boolean;
}

function bomEncoding(b: Uint8Array): { encoding: string; skip: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return undefined;
}

/** The `charset` parameter of a Content-Type header value. */
export function headerCharset(contentType: string | null): string | undefined {
  if (!contentType) return undefined;
  for (const part of contentType.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
    if (value) return value.toLowerCase();
  }
  return undefined;
}

/** The `encoding` pseudo-attribute of the `<?xml ...?>` declaration, read from the first bytes only. */
export function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  const start = head.indexOf('<?xml');
  const end = head.indexOf('?>', start);
  if (start !== 0 || end < 0) return undefined;
  const decl = head.slice(start, end);
  const at = decl.indexOf('encoding');
  if (at < 0) return undefined;
  const rest = decl.slice(at + 'encoding'.length).trimStart();
  if (!rest.startsWith('=')) return undefined;
  const value = rest.slice(1).trimStart();
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return undefined;
  const close = value.indexOf(quote, 1);
  return close > 1 ? value.slice(1, close).toLowerCase() : undefined;
}

function decoder(label: string, fatal: boolean): InstanceType<typeof TextDecoder> | undefined {
  try {
    return new TextDecoder(label, { fatal });
  } catch {
    return undefined; // an unknown label
  }
}

export function decodeFeed(bytes: Uint8Array, contentType: string | null): Decoded {
  const bom = bomEncoding(bytes);
  if (bom) {
    const d = decoder(bom.encoding, false)!;
    return { text: d.decode(bytes.subarray(bom.skip)), encoding: bom.encoding, fallback: false };
  }
  const declared = headerCharset(contentType) ?? declaredEncoding(bytes) ?? 'utf-8';
  const strict = decoder(declared, true);
  if (strict) {
    try {
      return { text: strict.decode(bytes), encoding: declared, fallback: false };
    } catch {
      // invalid bytes for the declared charset: fall through
    }
  }
  const text = decoder('windows-1252', false)!.decode(bytes);
  return { text, encoding: 'windows-1252', fallback: true };
}
