/**
 * Bad input on every /v1 route answers 400 in the one error shape, naming the parameter, and changes
 * nothing; never a 500 or a stack trace. A fixed list of classic mistakes, then a fast-check fuzz of
 * query strings (names and values from what callers plausibly send, plus arbitrary text).
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

let t: TestContext;
let ctx: AppContext;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await createTestContext('badinput');
  ctx = createAppContext(
    loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '1000000', SSE_MAX_CONNECTIONS_PER_IP: '1000' }),
    createLogger({ level: 'silent' }),
  );
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
  await ctx.close();
  await t.close();
});

const ROUTES = [
  '/v1/signals',
  '/v1/signals/bar_reaction_5m:BTC-USD:1',
  '/v1/pnl',
  '/v1/performance',
  '/v1/candles',
];
const STREAMS = ['/v1/signals/stream', '/v1/pnl/stream'];

/** Status and body of a GET; streams are cut as soon as their headers arrive. */
async function get(path: string): Promise<{ status: number; body: unknown }> {
  if (STREAMS.some((s) => path.startsWith(`${s}?`) || path === s)) {
    const ac = new AbortController();
    const res = await fetch(`${base}${path}`, { signal: ac.signal });
    const body = res.status === 200 ? undefined : await res.json();
    ac.abort();
    return { status: res.status, body };
  }
  const res = await app.inject(path);
  return { status: res.statusCode, body: res.json() };
}

function expectNamed400(path: string, status: number, body: unknown, parameter?: string): void {
  expect(status, path).toBe(400);
  const error = (body as { error: { code: string; message: string; parameter?: string } }).error;
  expect(error.code, path).toBe('ERR_VALIDATION');
  expect(error.parameter, path).toBeTruthy();
  if (parameter) expect(error.parameter, path).toBe(parameter);
  expect(error.message.startsWith(`${error.parameter}:`), `${path}: ${error.message}`).toBe(true);
  expect(error.message, path).not.toMatch(/\n\s+at /);
}

describe('classic mistakes', () => {
  it.each([
    ['/v1/signals?limit=0', 'limit'],
    ['/v1/signals?limit=100000', 'limit'],
    ['/v1/signals?limit=1e2', 'limit'],
    ['/v1/signals?limit=-5', 'limit'],
    ['/v1/signals?cursor=garbage', 'cursor'],
    [
      `/v1/signals?cursor=${Buffer.from(`${Date.now()}|x`).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
      'cursor',
    ],
    ['/v1/signals?mode=foo', 'mode'],
    ['/v1/signals?pair=../../etc', 'pair'],
    ['/v1/signals?since=yesterday', 'since'],
    ['/v1/signals?until=2026-13-45T00:00:00Z', 'until'],
    ['/v1/signals?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'until'],
    ['/v1/signals?limit=5&limit=6', 'limit'],
    ['/v1/signals?side=up', 'side'],
    ['/v1/signals?status=won', 'status'],
    ['/v1/signals?lmit=5', 'lmit'],
    [`/v1/signals?pair=${'A'.repeat(10_240)}`, 'pair'],
    ['/v1/signals/..%2F..%2Fetc', 'id'],
    ['/v1/signals/x?mode=foo', 'mode'],
    ['/v1/pnl?points=0', 'points'],
    ['/v1/pnl?points=abc', 'points'],
    ['/v1/pnl?mode=live&mode=paper', 'mode'],
    ['/v1/performance?pair=BTC', 'pair'],
    ['/v1/performance?since=soon', 'since'],
    ['/v1/candles', 'pair'],
    ['/v1/candles?pair=BTC/USDT&timeframe=7m', 'timeframe'],
    ['/v1/candles?pair=BTC/USDT&limit=100000', 'limit'],
    ['/v1/signals/stream?lastEventId=yesterday', 'lastEventId'],
    ['/v1/pnl/stream?mode=foo', 'mode'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const { status, body } = await get(path);
    expectNamed400(path, status, body, parameter);
  });

  it('a 10 KB query string of many parameters is refused naming one of them', async () => {
    const query = Array.from({ length: 1_000 }, (_, i) => `p${i}=xxxxx`).join('&');
    const { status, body } = await get(`/v1/signals?${query}`);
    expectNamed400('10 KB query', status, body);
  });
});

/** A raw HTTP/1.1 exchange, for what fetch() refuses to send (oversized headers) or waits on (HEAD). */
async function raw(request: string): Promise<{ status: number; head: string; body: string }> {
  const { port } = app.server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  socket.write(request);
  let text = '';
  for await (const chunk of socket) {
    text += String(chunk);
    if (/\r\n\r\n/.test(text) && /^HTTP\/1\.1 \d+/.test(text)) {
      const [head, ...rest] = text.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(head!)?.[1];
      if (length !== undefined && Buffer.byteLength(rest.join('\r\n\r\n')) >= Number(length)) break;
      if (/^HTTP\/1\.1 200/.test(text) && length === undefined) break;
    }
  }
  socket.destroy();
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), head: head!, body: rest.join('\r\n\r\n') };
}

function expectErrorShape(body: unknown, code: string): string {
  expect(Object.keys(body as object)).toEqual(['error']);
  const error = (body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe(code);
  expect(error.message).not.toMatch(/FST_|Invalid input|received undefined|\n\s+at /);
  return error.message;
}

describe('sentences, not library text', () => {
  it.each([
    ['/v1/candles', 'pair: is required (e.g. BTC/USDT)'],
    ['/v1/candles?timeframe=5m', 'pair: is required (e.g. BTC/USDT)'],
  ])('%s → %s', async (path, message) => {
    const { status, body } = await get(path);
    expectNamed400(path, status, body, 'pair');
    expect((body as { error: { message: string } }).error.message).toBe(message);
  });

  it('an unencoded + in a time offset is hinted at (it arrives as a space)', async () => {
    for (const name of ['since', 'until']) {
      const path = `/v1/signals?${name}=2026-01-12T00:35:00+02:00`;
      const { status, body } = await get(path);
      expectNamed400(path, status, body, name);
      expect((body as { error: { message: string } }).error.message).toMatch(/write \+ as %2B/);
    }
    const { body } = await get('/v1/signals?since=yesterday');
    expect((body as { error: { message: string } }).error.message).not.toMatch(/%2B/);
  });

  it('an over-long id is a 400 naming id, and no error quotes more than a short prefix', async () => {
    const long = 'x'.repeat(3_000);
    const one = await app.inject(`/v1/signals/${long}`);
    expectNamed400('long id', one.statusCode, one.json(), 'id');
    expect(one.body.length).toBeLessThan(400);
    const unknown = await app.inject(`/v1/${long}`);
    expect(unknown.statusCode).toBe(404);
    expectErrorShape(unknown.json(), 'ERR_NOT_FOUND');
    expect(unknown.body.length).toBeLessThan(400);
    const key = await app.inject(`/v1/signals?${'k'.repeat(1_500)}=1`);
    expectNamed400('long key', key.statusCode, key.json());
    expect(key.body.length).toBeLessThan(400);
  });
});

describe('methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH'] as const)(
    '%s on a GET route is a 405 with Allow, in the error shape',
    async (method) => {
      for (const url of [
        '/v1/signals',
        '/v1/signals/bar_reaction_5m:BTC-USD:1',
        '/v1/signals/stream',
        '/v1/pnl',
      ]) {
        const res = await app.inject({ method, url });
        expect(res.statusCode, `${method} ${url}`).toBe(405);
        expect(res.headers.allow, url).toBe('GET, HEAD, OPTIONS');
        expect(expectErrorShape(res.json(), 'ERR_METHOD_NOT_ALLOWED')).toMatch(/use GET, HEAD, OPTIONS/);
      }
    },
  );

  it('PUT or PATCH on the session (GET, POST and DELETE only) is a 405 naming those', async () => {
    for (const method of ['PUT', 'PATCH'] as const) {
      const res = await app.inject({ method, url: '/v1/session' });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow, method).toBe('DELETE, GET, HEAD, OPTIONS, POST');
      expectErrorShape(res.json(), 'ERR_METHOD_NOT_ALLOWED');
    }
  });

  it('HEAD on a stream answers its headers at once and ends', async () => {
    for (const path of STREAMS) {
      const res = await raw(`HEAD ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(res.status, path).toBe(200);
      expect(res.head, path).toMatch(/content-type: text\/event-stream/i);
      expect(res.body, path).toBe('');
    }
  });
});

describe("Fastify's and Node's refusals", () => {
  it('headers over the limit → 431 in the error shape', async () => {
    const res = await raw(`GET /v1/signals HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expectErrorShape(JSON.parse(res.body), 'ERR_HEADERS_TOO_LARGE');
  });

  it('a body too large, of an unsupported type, or not JSON → our shape', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: `{"a":"${'x'.repeat(70 * 1024)}"}`,
    });
    expect(big.statusCode).toBe(413);
    expectErrorShape(big.json(), 'ERR_PAYLOAD_TOO_LARGE');
    const type = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': `application/${'x'.repeat(300)}` },
      payload: 'hello',
    });
    expect(type.statusCode).toBe(415);
    expectErrorShape(type.json(), 'ERR_UNSUPPORTED_MEDIA_TYPE');
    const json = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(json.statusCode).toBe(400);
    expectErrorShape(json.json(), 'ERR_BAD_REQUEST');
  });

  it('no route → 404 in the error shape', async () => {
    const res = await app.inject('/v1/nope');
    expect(res.statusCode).toBe(404);
    expectErrorShape(res.json(), 'ERR_NOT_FOUND');
  });
});

const paramName = fc.oneof(
  fc.constantFrom(
    'mode',
    'pair',
    'side',
    'status',
    'since',
    'until',
    'limit',
    'cursor',
    'points',
    'timeframe',
    'lastEventId',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const paramValue = fc.oneof(
  fc.constantFrom(
    'paper',
    'live',
    'BTC/USDT',
    'btc-usdt',
    'long',
    'open',
    '5m',
    '50',
    '0',
    '501',
    '-1',
    '',
    '1673481000000-0',
    '2026-01-12T00:00:00Z',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
);
const query = fc
  .array(fc.tuple(paramName, paramValue), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

describe('fuzz', () => {
  it('random query strings on every route: 200, 404 or a 400 naming a parameter, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES, ...STREAMS), query, async (route, q) => {
        const path = q ? `${route}?${q}` : route;
        const { status, body } = await get(path);
        expect([200, 400, 404], `${path} → ${status} ${JSON.stringify(body)}`).toContain(status);
        if (status === 400) expectNamed400(path, status, body);
      }),
      { numRuns: 300 },
    );
  });
});
