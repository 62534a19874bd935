/**
 * Dashboard sessions for installs with API_REQUIRE_KEY=true. The browser's EventSource cannot send an
 * Authorization header, so the dashboard trades a key for a cookie once (POST /v1/session with
 * `Authorization: Bearer <key>`) and the browser sends that cookie with every /v1 request and stream.
 * The cookie holds no key: `<key id>.<expiry>.<nonce>.<HMAC>` (the nonce tells apart two sign-ins
 * with one key in one second, so that signing one out leaves the other), signed with a key derived
 * from the install's shared secret (every API process accepts every other's), HttpOnly (page scripts never see it),
 * SameSite=Strict (other sites cannot ride on it), Path=/v1, Secure behind https. Each request still
 * reads the key's row, so revoking the key ends its sessions at once. Signing out (DELETE /v1/session)
 * ends that one token everywhere, not only in the browser that held it: its MAC is kept in Redis as
 * ended until the token would have expired anyway, and a token found there is refused. While Redis is
 * unreachable a session is judged without that list (signature, expiry and its key's row still decide)
 * so the dashboard keeps reading Postgres through an outage, as anonymous callers do.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../core/context.ts';
import type { Redis, RedisKeys } from '../core/redis.ts';
import { DerivedKey } from './derived-key.ts';

export const SESSION_COOKIE = 'cp_session';
export const SESSION_SECONDS = 12 * 3600;
/** `<key id>.<expiry, epoch s>.<nonce>.<MAC>`. */
const TOKEN = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{32})$/i;

/** A token's parts, once its form, expiry and MAC are checked. */
interface ValidToken {
  readonly keyId: string;
  readonly expiresAt: number;
  readonly mac: string;
}

export class SessionSigner {
  private readonly macKey: DerivedKey;
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>) {
    this.macKey = new DerivedKey(ctx, 'cryptopulse dashboard session v1');
    this.redis = ctx.redis;
    this.keys = ctx.keys;
  }

  private endedKey(mac: string): string {
    return this.keys.key(`session-ended:${mac}`);
  }

  private async mac(payload: string): Promise<string> {
    return createHmac('sha256', await this.macKey.get())
      .update(payload)
      .digest('base64url')
      .slice(0, 32);
  }

  async issue(keyId: string, now = Date.now()): Promise<string> {
    const payload = `${keyId}.${Math.floor(now / 1000) + SESSION_SECONDS}.${randomBytes(12).toString('base64url')}`;
    return `${payload}.${await this.mac(payload)}`;
  }

  /** The key id of a well-formed, untampered, unexpired session token not signed out; undefined otherwise. */
  async verify(token: string, now = Date.now()): Promise<string | undefined> {
    const valid = await this.check(token, now);
    if (!valid) return undefined;
    const ended = await this.redis.exists(this.endedKey(valid.mac)).catch(() => 0);
    if (ended) return undefined;
    return valid.keyId;
  }

  /** Signs `token` out for every process: refused from now until it expires. False if it was not valid. */
  async end(token: string, now = Date.now()): Promise<boolean> {
    const valid = await this.check(token, now);
    if (!valid) return false;
    await this.redis.set(this.endedKey(valid.mac), '1', 'PX', Math.max(1, valid.expiresAt - now));
    return true;
  }

  private async check(token: string, now: number): Promise<ValidToken | undefined> {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const [, keyId, expiry, nonce, mac] = m;
    const expiresAt = Number(expiry) * 1000;
    if (expiresAt <= now) return undefined;
    const want = Buffer.from(await this.mac(`${keyId}.${expiry}.${nonce}`));
    const got = Buffer.from(mac!);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    return { keyId: keyId!, expiresAt, mac: mac! };
  }
}

/** When a token (already verified) expires, epoch ms; undefined if it is not a token's shape. */
export function tokenExpiry(token: string): number | undefined {
  const expiry = TOKEN.exec(token)?.[2];
  return expiry === undefined ? undefined : Number(expiry) * 1000;
}

/** The value of one cookie from a Cookie header (no library: one name, no attributes to read). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/v1; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/v1; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
