/** Bot API request bodies as grammY sends them: JSON, urlencoded, or multipart with attach:// files. */
import type { IncomingMessage } from 'node:http';

export interface UploadedFile {
  readonly filename: string;
  readonly bytes: Buffer;
}

export interface ParsedBody {
  readonly params: Record<string, unknown>;
  readonly files: ReadonlyMap<string, UploadedFile>;
}

/** Multipart fields hold JSON for objects (reply_markup); plain strings stay strings. */
function fieldValue(raw: string): unknown {
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function parseMultipart(body: Buffer, boundary: string): ParsedBody {
  const params: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    start = next;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (!name) continue;
    const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
    if (filename !== undefined) files.set(name, { filename, bytes: Buffer.from(content) });
    else params[name] = fieldValue(content.toString('utf8'));
  }
  return { params, files };
}

export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // A client that died mid-upload (a SIGKILLed sender) leaves a truncated body: Telegram never acts
  // on an incomplete request, so neither does the fake (it would store a card without its photo).
  if (!req.complete) throw new Error('the request ended before its body did');
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://fake');
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  const boundary = /boundary=([^;]+)/.exec(type)?.[1];
  if (boundary) {
    if (body.indexOf(Buffer.from(`--${boundary}--`)) < 0)
      throw new Error('the multipart body ended before its closing boundary');
    const parsed = parseMultipart(body, boundary);
    return { params: { ...params, ...parsed.params }, files: parsed.files };
  }
  if (body.length && type.includes('application/json'))
    Object.assign(params, JSON.parse(body.toString('utf8')));
  else if (body.length)
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = fieldValue(v);
  return { params, files: new Map() };
}
