/** The small HTTP vocabulary both dialects of the fake venue speak. */
import type { IncomingMessage } from 'node:http';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** Query string and form body merged (both venues accept either). */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  /** The raw query (GET) or body (POST) as sent: what the client signed. */
  readonly signed: string;
}

export interface FakeReply {
  readonly status: number;
  /** Objects go out as JSON; strings as text/html. */
  readonly body: unknown;
  /** Answer only after this long. */
  readonly delayMs?: number;
  /** Drop the connection instead of answering (after `delayMs`). */
  readonly drop?: boolean;
  /** The request arrives late: it is handled by `handle` after `afterMs`, answered if anyone still listens. */
  readonly arrives?: { readonly afterMs: number; readonly handle: () => FakeReply };
}

export const json = (body: unknown, status = 200): FakeReply => ({ status, body });

export async function readRequest(req: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://fake');
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (body && type.includes('application/json')) Object.assign(params, JSON.parse(body));
  else if (body) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    params,
    headers: req.headers,
    signed: req.method === 'GET' || req.method === 'DELETE' ? url.search.slice(1) : body,
  };
}
