/**
 * API_REQUIRE_KEY=true and the dashboard: the page itself stays public, its data needs a key, and the
 * browser (whose EventSource cannot send Authorization) trades a key for an HttpOnly session cookie
 * at POST /v1/session. The cookie opens the REST routes and the stream, never holds the key, cannot be
 * forged or extended, cannot make another session, and dies with its key's revocation.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../core/apikeys/store.ts';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';
import { buildApp } from './app.ts';
import { SESSION_COOKIE, SESSION_SECONDS } from './session.ts';

let t: TestContext;
let ctx: AppContext;
let app: FastifyInstance;
let base: string;
let key: string;
let keyId: string;

beforeAll(async () => {
  t = await createTestContext('dash-session');
  ctx = createAppContext(
    loadConfig({ ...t.env, API_REQUIRE_KEY: 'true', RATE_LIMIT_PER_MINUTE: '1000', EXCHANGE: 'sim' }),
    createLogger({ level: 'silent' }),
  );
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const created = await new ApiKeyStore(ctx.db).create({ name: 'dashboard', ratePerMinute: 1000 });
  key = created.key;
  keyId = created.info.id;
});
afterAll(async () => {
  await app.close();
  await ctx.close();
  await t.close();
});

const cookieOf = (setCookie: string | string[] | undefined) =>
  String(Array.isArray(setCookie) ? setCookie[0] : setCookie)
    .split(';')[0]!
    .trim();

/** POST /v1/session with the key: the cookie to send back. */
async function login(bearer = key): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/session',
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(res.statusCode).toBe(200);
  return cookieOf(res.headers['set-cookie']);
}

describe('the dashboard under API_REQUIRE_KEY=true', () => {
  it('the page is public; its data answers 401 without a key', async () => {
    expect((await app.inject('/')).statusCode).not.toBe(401);
    const res = await app.inject('/v1/signals?limit=5');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('ERR_UNAUTHORIZED');
    expect((await app.inject('/v1/signals/stream')).statusCode).toBe(401);
  });

  it('a key buys an HttpOnly, SameSite=Strict session cookie on /v1 that holds no key', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/session' })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { authorization: 'Bearer cpk_nope' },
        })
      ).statusCode,
    ).toBe(401);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      expiresInSeconds: 43_200,
      key: { prefix: key.slice(0, 12), name: 'dashboard' },
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/v1', 'Max-Age=43200'])
      expect(setCookie).toContain(attr);
    expect(setCookie).not.toContain('Secure'); // plain http here; https adds it
    expect(setCookie).not.toContain(key);
    expect(setCookie).not.toContain(key.slice(4));
  });

  it('the cookie opens the REST routes and the live stream (what EventSource sends)', async () => {
    const cookie = await login();
    for (const url of ['/v1/signals?limit=5', '/v1/pnl', '/v1/performance'])
      expect((await app.inject({ url, headers: { cookie } })).statusCode, url).toBe(200);
    // Counted against the key's own limit, not the anonymous one.
    const limited = await app.inject({ url: '/v1/signals?limit=5', headers: { cookie } });
    expect(limited.headers['x-ratelimit-limit']).toBe('1000');

    const abort = new AbortController();
    const stream = await fetch(`${base}/v1/signals/stream`, { headers: { cookie }, signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await stream.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toContain('retry:');
    abort.abort();
  });

  it('a forged, edited or expired cookie is refused, and a session cannot make another session', async () => {
    const cookie = await login();
    const [, token] = cookie.split('=');
    const [id, expiry, nonce, mac] = token!.split('.');
    const forged = [
      `${SESSION_COOKIE}=${id}.${Number(expiry) + 86_400}.${nonce}.${mac}`,
      `${SESSION_COOKIE}=${id}.${expiry}.${nonce}.${'A'.repeat(32)}`,
      `${SESSION_COOKIE}=${id}.${expiry}.${'C'.repeat(16)}.${mac}`,
      `${SESSION_COOKIE}=${id}.${expiry}.${mac}`,
      `${SESSION_COOKIE}=00000000-0000-4000-8000-000000000000.${expiry}.${nonce}.${mac}`,
      `${SESSION_COOKIE}=${id}.${Math.floor(Date.now() / 1000) - 1}.${nonce}.${mac}`,
      `${SESSION_COOKIE}=${key}`,
    ];
    for (const c of forged) {
      const res = await app.inject({ url: '/v1/signals?limit=5', headers: { cookie: c } });
      expect(res.statusCode, c).toBe(401);
    }
    expect((await app.inject({ method: 'POST', url: '/v1/session', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('revoking the key ends its sessions at once', async () => {
    const cookie = await login();
    expect((await app.inject({ url: '/v1/signals?limit=5', headers: { cookie } })).statusCode).toBe(200);
    await new ApiKeyStore(ctx.db).revoke(keyId);
    expect((await app.inject({ url: '/v1/signals?limit=5', headers: { cookie } })).statusCode).toBe(401);
  });

  it('signing out ends that session on every instance, not only in the browser; others live on', async () => {
    const other = await new ApiKeyStore(ctx.db).create({ name: 'sign-out', ratePerMinute: 1000 });
    const [cookie, kept] = [await login(other.key), await login(other.key)];
    const current = await app.inject({ url: '/v1/session', headers: { cookie } });
    expect(current.statusCode).toBe(200);
    expect(current.json().session).toMatchObject({ key: { name: 'sign-out', prefix: other.info.prefix } });
    expect(current.json().session.expiresInSeconds).toBeGreaterThan(SESSION_SECONDS - 60);
    // A bearer key is not a session.
    const bearer = await app.inject({
      url: '/v1/session',
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(bearer.json()).toEqual({ session: null });
    const out = await app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ ended: true });
    expect(String(out.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    // A copy of the cookie (another tab, or someone who took it) is refused, here and on a second process.
    const second = createAppContext(
      loadConfig({ ...t.env, API_REQUIRE_KEY: 'true', RATE_LIMIT_PER_MINUTE: '1000', EXCHANGE: 'sim' }),
      createLogger({ level: 'silent' }),
    );
    const secondApp = await buildApp(second);
    try {
      for (const a of [app, secondApp]) {
        const res = await a.inject({ url: '/v1/signals?limit=5', headers: { cookie } });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('ERR_UNAUTHORIZED');
        expect((await a.inject({ url: '/v1/signals?limit=5', headers: { cookie: kept } })).statusCode).toBe(
          200,
        );
        expect((await a.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
      }
    } finally {
      await secondApp.close();
      await second.close();
    }
  });

  it('signing out works with an expired, forged or no session, and changes nothing else', async () => {
    const cookie = await login(
      (await new ApiKeyStore(ctx.db).create({ name: 'forged', ratePerMinute: 1000 })).key,
    );
    const [, token] = cookie.split('=');
    const [id, expiry, nonce, mac] = token!.split('.');
    for (const headers of [
      {},
      { cookie: `${SESSION_COOKIE}=${id}.${Math.floor(Date.now() / 1000) - 1}.${nonce}.${mac}` },
      { cookie: `${SESSION_COOKIE}=${id}.${expiry}.${nonce}.${'B'.repeat(32)}` },
      { cookie: `${SESSION_COOKIE}=not-a-token` },
    ]) {
      const out = await app.inject({ method: 'DELETE', url: '/v1/session', headers });
      expect(out.statusCode, JSON.stringify(headers)).toBe(200);
      expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    }
    // The forged copies did not end the real session.
    expect((await app.inject({ url: '/v1/signals?limit=5', headers: { cookie } })).statusCode).toBe(200);
  });

  it('pages, data and errors carry the security headers (helmet, built once per process)', async () => {
    const fresh = await new ApiKeyStore(ctx.db).create({ name: 'headers', ratePerMinute: 1000 });
    const cookie = await login(fresh.key);
    const page = await app.inject('/');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    for (const res of [
      page,
      await app.inject({ url: '/v1/signals?limit=5', headers: { cookie } }),
      await app.inject('/v1/signals?limit=5'),
      await app.inject('/v1/signals?limit=0'),
      await app.inject('/health'),
    ]) {
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
    }
  });

  it('API responses carry the REST set: nothing may load from them, no document-only headers', async () => {
    for (const url of ['/v1/signals?limit=5', '/v1/signals?limit=0', '/v1/nope', '/health', '/metrics']) {
      const res = await app.inject(url);
      expect(res.headers['content-security-policy'], url).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBeUndefined();
      expect(res.headers['x-dns-prefetch-control'], url).toBeUndefined();
    }
    // Paths that only start like the API's are pages.
    for (const url of ['/v1x', '/healthcheck'])
      expect((await app.inject(url)).headers['content-security-policy'], url).toContain("default-src 'self'");
  });
});
