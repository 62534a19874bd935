/**
 * The /v1 REST routes over real Postgres (fixtures written through core/signals' own store) and real
 * Redis: filters and newest-first pages whose cursor holds while new signals arrive, signed cursors,
 * 404, the equity curve downsampled, performance, candles through the shared cache; the OpenAPI
 * document passes a third-party validator and every real response here matches its documented schema.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { candleUpstreamCalls } from '../core/metrics.ts';
import { closedSignal, sampleSignal, seedSignals } from '../core/signals/testing/fixtures.ts';
import type { Signal } from '../core/signals/types.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

let t: TestContext;
let ctx: AppContext;
let app: FastifyInstance;
let doc: {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
};
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });

const FIVE_MIN = 300_000;
const start = Date.UTC(2026, 0, 12);
const signals: Signal[] = [];

beforeAll(async () => {
  t = await createTestContext('restroutes');
  ctx = createAppContext(
    loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '100000' }),
    createLogger({ level: 'silent' }),
  );
  app = await buildApp(ctx);
  for (let i = 0; i < 30; i++) {
    const s = sampleSignal({
      candleTime: start + i * FIVE_MIN,
      pair: i % 3 === 0 ? 'ETH/USDT' : 'BTC/USDT',
      side: i % 2 ? 'short' : 'long',
    });
    signals.push(
      i < 20 ? closedSignal(s, i % 4 === 0 ? 'stop' : 'target', s.takeProfit, i % 4 === 0 ? -10 : 15) : s,
    );
  }
  await seedSignals(t.db, t.redis, t.keys, signals);
  doc = (await app.inject('/docs/json')).json();
});

afterAll(async () => {
  await app.close();
  await ctx.close();
  await t.close();
});

/** The response body validated against the schema the OpenAPI document declares for it. */
function conforms(path: string, res: LightMyRequestResponse, body: unknown = res.json()): void {
  const op = doc.paths[path]?.get;
  const declared = op?.responses[String(res.statusCode)]?.content?.['application/json']?.schema;
  expect(declared, `${path} documents ${res.statusCode}`).toBeDefined();
  const validate = ajv.compile({ ...declared, components: doc.components });
  const ok = validate(body);
  expect(ok, JSON.stringify(validate.errors)).toBe(true);
}

const byNewest = (a: Signal, b: Signal) => b.time.localeCompare(a.time) || b.id.localeCompare(a.id);

describe('OpenAPI', () => {
  it('is an OpenAPI 3.1 document the third-party validator accepts, every route summarised', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    for (const path of [
      '/v1/signals',
      '/v1/signals/{id}',
      '/v1/signals/stream',
      '/v1/pnl',
      '/v1/pnl/stream',
      '/v1/performance',
      '/v1/candles',
      '/health',
      '/ready',
      '/metrics',
    ]) {
      const get = doc.paths[path]?.get as unknown as { summary?: string; responses: object } | undefined;
      expect(get?.summary, path).toBeTruthy();
    }
  });

  it('serves the UI at /docs', async () => {
    const res = await app.inject('/docs');
    expect([200, 302]).toContain(res.statusCode);
  });
});

describe('GET /v1/signals', () => {
  it('lists newest first with the default page of 50 and the contract fields', async () => {
    const res = await app.inject('/v1/signals');
    expect(res.statusCode).toBe(200);
    conforms('/v1/signals', res);
    const body = res.json();
    expect(body.items).toEqual([...signals].sort(byNewest));
    expect(body.nextCursor).toBeNull();
  });

  it('filters by pair, side, status and time', async () => {
    const res = await app.inject(
      `/v1/signals?pair=eth-usdt&side=long&status=stop&since=${new Date(start).toISOString()}&until=${start + 20 * FIVE_MIN}`,
    );
    conforms('/v1/signals', res);
    const expected = signals
      .filter((s) => s.pair === 'ETH/USDT' && s.side === 'long' && s.status === 'stop')
      .sort(byNewest);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.json().items).toEqual(expected);
  });

  it('answers a repeated query string from its cached page with the same headers', async () => {
    const url = '/v1/signals?limit=4&pair=btc-usdt';
    const [first, again] = [await app.inject(url), await app.inject(url)];
    const spelled = await app.inject('/v1/signals?pair=BTC/USDT&limit=4');
    const stable = (res: LightMyRequestResponse) => {
      const { date, 'x-request-id': _id, 'x-ratelimit-remaining': _left, ...rest } = res.headers;
      return { status: res.statusCode, headers: rest, body: res.body, dated: date !== undefined };
    };
    expect(stable(again)).toEqual(stable(first));
    expect(stable(spelled)).toEqual(stable(first));
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(Number(again.headers['x-ratelimit-remaining'])).toBe(
      Number(first.headers['x-ratelimit-remaining']) - 1,
    );
    conforms('/v1/signals', again);
    const head = await app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(first.headers['content-length']);
  });

  it('pages with a cursor that holds while new signals arrive', async () => {
    const first = await app.inject('/v1/signals?limit=7');
    const page1 = first.json();
    expect(page1.items).toHaveLength(7);
    // A newer signal lands between the pages: it belongs to page one, never shifts page two.
    const newer = sampleSignal({ candleTime: start + 100 * FIVE_MIN });
    await seedSignals(t.db, t.redis, t.keys, [newer]);
    signals.push(newer);
    // Page one shows it as soon as the stream entry reaches this process (cached pages are dropped then).
    for (let i = 0; i < 100; i++) {
      if ((await app.inject('/v1/signals?limit=7')).json().items[0].id === newer.id) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await app.inject('/v1/signals?limit=7')).json().items[0].id).toBe(newer.id);
    const seen = [...page1.items];
    let cursor = page1.nextCursor;
    while (cursor) {
      const res = await app.inject(`/v1/signals?limit=7&cursor=${encodeURIComponent(cursor)}`);
      conforms('/v1/signals', res);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    }
    expect(seen.map((s: Signal) => s.id)).toEqual(
      signals
        .filter((s) => s !== newer)
        .sort(byNewest)
        .map((s) => s.id),
    );
  });

  it('refuses a tampered cursor and a cursor reused with other filters, naming cursor', async () => {
    const { nextCursor } = (await app.inject('/v1/signals?limit=2')).json();
    const [inner, mac] = nextCursor.split('.');
    const forgedInner = Buffer.from(`${Date.now()}|zzz`).toString('base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    /** `text` with the character at `at` moved `by` places along the base64url alphabet. */
    const shift = (text: string, at: number, by: number) =>
      text.slice(0, at) + alphabet[(alphabet.indexOf(text.charAt(at)) + by) % 64] + text.slice(at + 1);
    const cursors = [
      `${forgedInner}.${mac}`,
      `${inner}.${shift(mac, 0, 1)}`, // a different MAC
      `${inner}.${shift(mac, mac.length - 1, 1)}`, // the same MAC bytes, spelt otherwise
      `${inner}.${mac}==`,
      'garbage',
      `${inner}`,
    ];
    for (const bad of cursors) {
      const res = await app.inject(`/v1/signals?limit=2&cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.parameter).toBe('cursor');
    }
    const other = await app.inject(
      `/v1/signals?limit=2&pair=BTC/USDT&cursor=${encodeURIComponent(nextCursor)}`,
    );
    expect(other.statusCode).toBe(400);
    expect(other.json().error.parameter).toBe('cursor');
  });
});

/** A request with this Accept-Encoding (none when undefined). */
const get = (url: string, acceptEncoding?: string, method: 'GET' | 'HEAD' = 'GET') =>
  app.inject({
    method,
    url,
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });

/** The body as its content coding says. */
const decode = (res: LightMyRequestResponse) =>
  res.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(res.rawPayload)
    : res.headers['content-encoding'] === 'gzip'
      ? gunzipSync(res.rawPayload)
      : res.rawPayload;

describe('GET /v1/signals in a content coding', () => {
  const BROWSER = 'gzip, deflate, br, zstd';
  const vary = (res: LightMyRequestResponse) =>
    String(res.headers.vary ?? '')
      .toLowerCase()
      .split(/\s*,\s*/);

  it('sends br or gzip that decompresses to exactly the identity body, with Vary and its own length', async () => {
    const url = '/v1/signals?limit=25';
    const identity = await get(url);
    expect(identity.rawPayload.length).toBeGreaterThan(1_024);
    for (const [accept, coding] of [
      [BROWSER, 'br'],
      ['gzip', 'gzip'],
      ['x-gzip', 'gzip'],
      ['GZIP;Q=0.8, identity;q=0.5', 'gzip'],
      ['br;q=0, *', 'gzip'],
      ['*', 'br'],
      ['gzip;q=1, br;q=0.9', 'gzip'],
    ] as const) {
      const res = await get(url, accept);
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(coding);
      expect(vary(res), accept).toContain('accept-encoding');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(res.rawPayload.length).toBeLessThan(identity.rawPayload.length / 4);
      const decoded = decode(res);
      expect(decoded.equals(identity.rawPayload), accept).toBe(true);
    }
  });

  it('sends identity, still with Vary, when no coding is accepted or identity is preferred', async () => {
    const url = '/v1/signals?limit=25';
    const identity = await get(url);
    for (const accept of [
      undefined,
      '',
      'identity',
      'gzip;q=0',
      'gzip;q=0, br;q=0',
      '*;q=0',
      'identity;q=0',
      'deflate',
      'compress, zstd',
      'gzip;q=0.5, identity',
      'gzip;q=oops',
    ]) {
      const res = await get(url, accept);
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBeUndefined();
      expect(vary(res), accept).toContain('accept-encoding');
      expect(res.rawPayload.equals(identity.rawPayload), accept).toBe(true);
      expect(Number(res.headers['content-length'])).toBe(identity.rawPayload.length);
    }
  });

  it('answers HEAD with the headers of the coded GET and no body, before and after the page is cached', async () => {
    const url = '/v1/signals?limit=26';
    const first = await get(url, 'gzip', 'HEAD'); // not cached yet: through the route's handler
    const full = await get(url, 'gzip');
    const again = await get(url, 'gzip', 'HEAD'); // answered from the page cache
    expect(full.headers['content-encoding']).toBe('gzip');
    for (const head of [first, again]) {
      expect(head.statusCode).toBe(200);
      expect(head.rawPayload.length).toBe(0);
      expect(head.headers['content-encoding']).toBe('gzip');
      expect(head.headers['content-length']).toBe(full.headers['content-length']);
      expect(vary(head)).toContain('accept-encoding');
    }
  });

  it('codes a cached page and a page after a cursor alike, and a repeat sends the same bytes', async () => {
    const first = await get('/v1/signals?limit=12', BROWSER);
    const again = await get('/v1/signals?limit=12', BROWSER);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    const { nextCursor } = JSON.parse(brotliDecompressSync(first.rawPayload).toString('utf8'));
    expect(nextCursor).toEqual(expect.any(String));
    const next = `/v1/signals?limit=12&cursor=${encodeURIComponent(nextCursor)}`;
    const plain = await get(next);
    for (const [accept, decode] of [
      ['gzip', gunzipSync],
      [BROWSER, brotliDecompressSync],
    ] as const) {
      const coded = await get(next, accept);
      expect(coded.statusCode).toBe(200);
      expect(decode(coded.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(vary(coded)).toContain('accept-encoding');
    }
    conforms('/v1/signals', plain);
  });

  it('sends a small page as it is', async () => {
    const res = await get('/v1/signals?limit=1&pair=eth-usdt&status=open&side=long', BROWSER);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1_024);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(vary(res)).toContain('accept-encoding');
  });

  it('leaves errors as they are', async () => {
    const res = await get('/v1/signals?limit=0', BROWSER);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.json().error.parameter).toBe('limit');
  });
});

describe('GET /v1/signals/:id', () => {
  it('answers one signal, and 404 in the error shape for an unknown id', async () => {
    const s = signals[3]!;
    const res = await app.inject(`/v1/signals/${encodeURIComponent(s.id)}`);
    expect(res.statusCode).toBe(200);
    conforms('/v1/signals/{id}', res);
    expect(res.json()).toEqual(s);
    const missing = await app.inject('/v1/signals/bar_reaction_5m:BTC-USD:1');
    expect(missing.statusCode).toBe(404);
    conforms('/v1/signals/{id}', missing);
    expect(missing.json().error.code).toBe('ERR_NOT_FOUND');
  });
});

describe('GET /v1/pnl and /v1/performance', () => {
  it('answers the equity curve evenly downsampled to points, first and last kept', async () => {
    const all = (await app.inject('/v1/pnl')).json().points;
    expect(all.length).toBe(20);
    const res = await app.inject('/v1/pnl?points=5');
    conforms('/v1/pnl', res);
    const { points } = res.json();
    expect(points).toHaveLength(5);
    expect(points[0]).toEqual(all[0]);
    expect(points[4]).toEqual(all[all.length - 1]);
    expect(Object.keys(points[0]).sort()).toEqual(['drawdownPct', 'equity', 'time']);
  });

  it('answers the statistics overall and per pair', async () => {
    const res = await app.inject('/v1/performance?mode=paper');
    expect(res.statusCode).toBe(200);
    conforms('/v1/performance', res);
    const body = res.json();
    expect(body.overall.closed).toBe(20);
    expect(Object.keys(body.byPair).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(body.byPair['ETH/USDT'].signals + body.byPair['BTC/USDT'].signals).toBe(body.overall.signals);
  });
});

describe('GET /v1/candles', () => {
  it('serves candles of the sim market through one upstream call for many viewers', async () => {
    const before = (await candleUpstreamCalls.get()).values[0]?.value ?? 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => app.inject('/v1/candles?pair=BTC-USDT&timeframe=5m&limit=50')),
    );
    for (const res of results) {
      expect(res.statusCode).toBe(200);
      conforms('/v1/candles', res);
    }
    expect(results[0]!.json().candles).toHaveLength(50);
    expect((await candleUpstreamCalls.get()).values[0]?.value).toBe(before + 1);
    const again = await app.inject('/v1/candles?pair=BTC/USDT&timeframe=5m&limit=10');
    expect(again.json().candles).toEqual(results[0]!.json().candles.slice(-10));
    const unknown = await app.inject('/v1/candles?pair=NOPE/USDT');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.parameter).toBe('pair');
  });
});

describe('candles, PnL and performance in a content coding', () => {
  it('sends br or gzip that decompresses to exactly the identity body; identity without the header', async () => {
    for (const url of ['/v1/candles?pair=BTC-USDT&timeframe=5m&limit=500', '/v1/pnl', '/v1/performance']) {
      const identity = await get(url);
      expect(identity.headers['content-encoding'], url).toBeUndefined();
      expect(String(identity.headers.vary).toLowerCase(), url).toContain('accept-encoding');
      for (const [accept, coding] of [
        ['gzip, deflate, br', 'br'],
        ['gzip', 'gzip'],
        ['br;q=0, *', 'gzip'],
      ] as const) {
        const res = await get(url, accept);
        expect(res.statusCode, url).toBe(200);
        const compressible = identity.rawPayload.length >= 1_024;
        expect(res.headers['content-encoding'], `${url} ${accept}`).toBe(compressible ? coding : undefined);
        expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
        expect(decode(res).equals(identity.rawPayload), `${url} ${accept}`).toBe(true);
        conforms(url.split('?')[0]!, res, JSON.parse(decode(res).toString()));
      }
    }
    const candles = await get('/v1/candles?pair=BTC-USDT&timeframe=5m&limit=500', 'br');
    expect(candles.rawPayload.length).toBeLessThan(decode(candles).length / 3);
  });

  it('leaves errors as they are', async () => {
    const res = await get('/v1/candles?pair=NOPE/USDT', 'gzip, br');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.json().error.parameter).toBe('pair');
  });
});

describe('operations', () => {
  it('/health and /ready match their schemas', async () => {
    conforms('/health', await app.inject('/health'));
    conforms('/ready', await app.inject('/ready'));
  });
});
