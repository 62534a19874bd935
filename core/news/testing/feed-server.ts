/**
 * A local feed server for the news tests: named routes answering RSS, Atom, broken and hostile
 * documents, with ETag/Last-Modified handling, redirects, a response that never comes and a 20 MB one.
 * It records every request so a test can see the conditional headers the client sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Route {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Answer 304 when the request carries this ETag in If-None-Match. */
  readonly etag?: string;
  readonly lastModified?: string;
  /** Send nothing at all; the connection stays open until the server closes. */
  readonly hang?: boolean;
  /** Stream this many bytes of XML-ish filler without Content-Length. */
  readonly streamBytes?: number;
}

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export class FeedServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FeedServer> {
    let self: FeedServer | undefined;
    const server = createServer((req, res) => self!.handle(req, res));
    self = new FeedServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  route(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  hits(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ path, headers: req.headers });
    const r = this.routes.get(path);
    if (!r) {
      res.writeHead(404).end('not found');
      return;
    }
    if (r.hang) return;
    if (r.etag && req.headers['if-none-match'] === r.etag) {
      res.writeHead(304, { etag: r.etag }).end();
      return;
    }
    if (r.lastModified && req.headers['if-modified-since'] === r.lastModified) {
      res.writeHead(304, { 'last-modified': r.lastModified }).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/rss+xml; charset=utf-8',
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.lastModified ? { 'last-modified': r.lastModified } : {}),
      ...r.headers,
    };
    if (r.streamBytes) {
      res.writeHead(r.status ?? 200, headers);
      const chunk = Buffer.alloc(64 * 1024, '<item><title>x</title></item>');
      let sent = 0;
      const pump = () => {
        while (sent < r.streamBytes! && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    res.writeHead(r.status ?? 200, headers).end(r.body ?? '');
  }
}

export interface FeedEntry {
  readonly title: string;
  readonly link: string;
  readonly guid?: string;
  readonly date?: string;
  readonly summary?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document; titles and summaries are escaped as a real feed would (so HTML arrives as text). */
export function rss(title: string, items: readonly FeedEntry[], encoding = 'UTF-8'): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link>${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}<pubDate>${i.date ?? 'Tue, 01 Dec 2026 10:00:00 GMT'}</pubDate><description>${esc(i.summary ?? '')}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="${encoding}"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${esc(title)}</title>
<atom:link href="https://example.test/feed" rel="self" type="application/rss+xml"/>
${body}
</channel></rss>`;
}

export function atom(title: string, items: readonly FeedEntry[]): string {
  const body = items
    .map(
      (i) =>
        `<entry><title type="html">${esc(i.title)}</title><link rel="alternate" href="${esc(i.link)}"/><id>${esc(i.guid ?? i.link)}</id><updated>${i.date ?? '2026-12-01T10:00:00Z'}</updated><summary type="html">${esc(i.summary ?? '')}</summary></entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${esc(title)}</title><id>urn:feed</id><updated>2026-12-01T10:00:00Z</updated>
${body}
</feed>`;
}
