/**
 * SSE semantics of SIGNALS.md against the in-process app on a real port, real Redis: replay and the
 * seam under concurrent appends, gap after trimming, filters, retry and heartbeat, the per-address cap,
 * slow clients dropped at the buffer bound, clean end on shutdown, and 400s naming the parameter.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { metrics } from '../core/metrics.ts';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal } from '../core/signals/testing/fixtures.ts';
import type { Signal } from '../core/signals/types.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';

let t: TestContext;
let ctx: AppContext;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await createTestContext('ssestreams');
  ctx = createAppContext(
    loadConfig({
      ...t.env,
      SSE_MAX_CONNECTIONS_PER_IP: '3',
      SSE_CLIENT_BUFFER_BYTES: '16384',
      RATE_LIMIT_PER_MINUTE: '1000',
    }),
    createLogger({ level: 'silent' }),
  );
  app = await buildApp(ctx, { heartbeatMs: 100 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
  await ctx.close();
  await t.close();
});

let candle = Date.UTC(2026, 0, 1);
function signal(overrides: Partial<Signal> = {}): Signal {
  candle += 300_000;
  return sampleSignal({ candleTime: candle, ...overrides });
}

const append = (s: Signal, type: 'signal' | 'lifecycle' = 'signal') =>
  appendEntry(t.redis, t.keys, s.mode === 'live' ? 'signals:live' : 'signals:paper', { type, data: s });

interface Frame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

/** A raw SSE reader over fetch: every frame, comments and retry included, as the server wrote them. */
function open(path: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const frames: Frame[] = [];
  let ended = false;
  const response = fetch(`${base}${path}`, { headers, signal: ac.signal });
  const done = (async () => {
    const res = await response.catch(() => undefined);
    if (res?.status !== 200) {
      ended = true;
      return;
    }
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buf += decoder.decode(value, { stream: true });
        let cut = buf.indexOf('\n\n');
        while (cut >= 0) {
          const frame: Record<string, string> = {};
          for (const line of buf.slice(0, cut).split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const at = line.indexOf(': ');
              frame[line.slice(0, at)] = line.slice(at + 2);
            }
          }
          frames.push(frame);
          buf = buf.slice(cut + 2);
          cut = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    response,
    frames,
    events: () => frames.filter((f) => f.id !== undefined),
    ended: () => ended,
    done,
    close: () => ac.abort(),
  };
}

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function streamIds(
  stream: 'signals:paper' | 'signals:live' | 'pnl:equity',
  after: string,
): Promise<string[]> {
  const rows = await t.redis.xrange(t.keys.stream(stream), `(${after}`, '+');
  return rows.map(([id]) => id);
}

async function counter(name: string): Promise<number> {
  const m = (await metrics.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).reduce((a, v) => a + Number(v.value), 0);
}

describe('replay and live', () => {
  it('replays after Last-Event-ID while appends continue: every later id once, in order', async () => {
    const first = await append(signal());
    for (let i = 0; i < 1200; i++) await append(signal()); // more than two replay pages
    const client = open('/v1/signals/stream', { 'Last-Event-ID': first });
    await client.response;
    for (let i = 0; i < 300; i++) await append(signal()); // racing the replay and the seam
    const expected = await streamIds('signals:paper', first);
    await until('all ids', () => client.events().length >= expected.length).catch((err) => {
      client.close();
      throw new Error(
        `${err.message}: got ${client.events().length} of ${expected.length}, ended ${client.ended()}`,
      );
    });
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    expect(client.events().map((f) => f.id)).toEqual(expected);
    expect(client.frames[0]).toEqual({ retry: '2000' });
  });

  it('sends retry once and a heartbeat comment on the timer', async () => {
    const client = open('/v1/signals/stream?mode=live');
    await until('two heartbeats', () => client.frames.filter((f) => f.comment === 'keep-alive').length >= 2);
    client.close();
    expect(client.frames.filter((f) => f.retry !== undefined)).toEqual([{ retry: '2000' }]);
  });

  it('sends the stream uncompressed to a client that accepts compression', async () => {
    const { headers, first } = await new Promise<{ headers: IncomingHttpHeaders; first: string }>(
      (resolve, reject) => {
        const req = request(
          `${base}/v1/signals/stream?mode=live`,
          { headers: { 'accept-encoding': 'gzip, deflate, br' } },
          (res) => {
            res.once('data', (chunk: Buffer) => {
              resolve({ headers: res.headers, first: chunk.toString('latin1') });
              req.destroy();
            });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(first).toContain('retry: 2000\n');
  });

  it('filters by pair (BTC/USDT or btc-usdt) and keeps modes apart', async () => {
    const client = open('/v1/signals/stream?mode=live&pair=eth-usdt');
    const other = open('/v1/signals/stream?mode=paper&pair=ETH/USDT');
    await Promise.all([client.response, other.response]);
    await append(signal({ mode: 'live', pair: 'BTC/USDT' }));
    const eth = signal({ mode: 'live', pair: 'ETH/USDT' });
    const ethId = await append(eth);
    await append({ ...eth, status: 'stop' }, 'lifecycle');
    await until('the ETH signal and its lifecycle', () => client.events().length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    other.close();
    expect(client.events().map((f) => f.event)).toEqual(['signal', 'lifecycle']);
    expect(client.events()[0]!.id).toBe(ethId);
    expect(JSON.parse(client.events()[0]!.data!)).toEqual(eth);
    expect(other.events()).toEqual([]);
  });

  it('serves pnl:equity as event: equity, filtered by mode', async () => {
    const client = open('/v1/pnl/stream?mode=paper');
    await client.response;
    const point = { time: '2026-01-12T01:00:00.000Z', equity: 10012.5, pnl: 12.5, drawdownPct: 0, open: 0 };
    await appendEntry(t.redis, t.keys, 'pnl:equity', { type: 'equity', data: { ...point, mode: 'live' } });
    const paperId = await appendEntry(t.redis, t.keys, 'pnl:equity', {
      type: 'equity',
      data: { ...point, mode: 'paper' },
    });
    await until('the paper point', () => client.events().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    expect(client.events()).toEqual([
      { id: paperId, event: 'equity', data: JSON.stringify({ ...point, mode: 'paper' }) },
    ]);
  });
});

describe('gap', () => {
  it('?lastEventId= older than the trimmed stream gets `gap` first with the oldest id held', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        await appendEntry(t.redis, t.keys, 'pnl:equity', {
          type: 'equity',
          data: {
            time: '2026-01-12T01:00:00.000Z',
            equity: 1,
            pnl: 0,
            drawdownPct: 0,
            open: 0,
            mode: 'paper',
          },
        }),
      );
    const all = await t.redis.xlen(t.keys.stream('pnl:equity'));
    await t.redis.xtrim(t.keys.stream('pnl:equity'), 'MAXLEN', 2); // as MAXLEN ~ does, in bigger steps
    const client = open(`/v1/pnl/stream?lastEventId=${ids[0]}`);
    await until('gap and the two held points', () => client.frames.length >= 4);
    client.close();
    expect(all).toBeGreaterThan(2);
    expect(client.frames[1]!.event).toBe('gap');
    expect(JSON.parse(client.frames[1]!.data!)).toEqual({ lastEventId: ids[0], oldest: ids[3] });
    expect(client.events().map((f) => f.id)).toEqual(ids.slice(3));
  });

  it('an id the stream still holds resumes without a gap', async () => {
    const a = await append(signal({ mode: 'live' }));
    const b = await append(signal({ mode: 'live' }));
    const client = open(`/v1/signals/stream?mode=live&lastEventId=${a}`);
    await until('b', () => client.events().length >= 1);
    client.close();
    expect(client.frames.some((f) => f.event === 'gap')).toBe(false);
    expect(client.events()[0]!.id).toBe(b);
  });
});

describe('limits', () => {
  it('refuses a stream past the per-address cap with 429 and Retry-After', async () => {
    const clients = [open('/v1/signals/stream'), open('/v1/signals/stream'), open('/v1/signals/stream')];
    await Promise.all(clients.map((c) => c.response));
    const refused = await fetch(`${base}/v1/signals/stream`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');
    for (const c of clients) c.close();
    await until('slots freed', () => clients.every((c) => c.ended()));
  });

  it('disconnects a client that stops reading once its buffer passes the bound', async () => {
    const dropped = await counter('cryptopulse_sse_slow_clients_dropped_total');
    const socket = connect({ port: Number(new URL(base).port), host: '127.0.0.1' });
    socket.setNoDelay(true);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /v1/signals/stream?mode=live HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause(); // reads nothing from now on
    await new Promise((r) => setTimeout(r, 200));
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });
    const big = 'x'.repeat(8_000);
    for (
      let i = 0;
      i < 2_000 && (await counter('cryptopulse_sse_slow_clients_dropped_total')) === dropped;
      i++
    ) {
      await append(signal({ mode: 'live', reason: big }));
    }
    expect(await counter('cryptopulse_sse_slow_clients_dropped_total')).toBe(dropped + 1);
    socket.resume();
    await until('the socket closed by the server', () => closed);
  });
});

describe('bad input', () => {
  it.each([
    ['/v1/signals/stream?lastEventId=yesterday', 'lastEventId'],
    ['/v1/signals/stream?mode=foo', 'mode'],
    ['/v1/signals/stream?pair=../../etc', 'pair'],
    ['/v1/signals/stream?mode=paper&mode=live', 'mode'],
    ['/v1/signals/stream?nope=1', 'nope'],
    ['/v1/pnl/stream?mode=x', 'mode'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const res = await app.inject(path);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'ERR_VALIDATION', parameter });
    expect(res.json().error.message).toMatch(new RegExp(`^${parameter}: `));
  });

  it('a garbage Last-Event-ID header → 400 naming it', async () => {
    const res = await app.inject({ url: '/v1/signals/stream', headers: { 'last-event-id': 'abc' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.parameter).toBe('last-event-id');
  });
});

describe('shutdown', () => {
  it('ends open streams cleanly and closes promptly', async () => {
    const c2 = createAppContext(loadConfig(t.env), createLogger({ level: 'silent' }));
    const a2 = await buildApp(c2);
    await a2.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(a2.server.address() as { port: number }).port}/v1/signals/stream`;
    const res = await fetch(url);
    const reader = res.body!.getReader();
    await reader.read(); // retry:
    const closing = a2.close();
    let ended = false;
    for (;;) {
      const { done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
    }
    await closing;
    await c2.close();
    expect(ended).toBe(true);
  });
});
