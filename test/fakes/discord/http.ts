/** Reading a discord.js request (JSON, or multipart with `payload_json` and `files[n]`) and writing replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeAttachment, Json } from './state.ts';

export interface ParsedBody {
  readonly json: Json | Json[] | undefined;
  readonly files: FakeAttachment[];
}

export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    // The platform's own multipart parser (undici), rather than a hand-rolled one.
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: raw,
    }).formData();
    const files: FakeAttachment[] = [];
    let json: Json | undefined;
    for (const [name, value] of form.entries()) {
      if (name === 'payload_json' && typeof value === 'string') json = JSON.parse(value) as Json;
      else if (typeof value !== 'string')
        files.push({
          filename: value.name,
          contentType: value.type,
          data: Buffer.from(await value.arrayBuffer()),
        });
    }
    return { json, files };
  }
  return { json: JSON.parse(raw.toString('utf8')) as Json, files: [] };
}

export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204 || body === undefined) {
    // discord.js tries to parse a JSON content-type even on 204; send none.
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
