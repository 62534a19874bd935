/**
 * Dashboard sessions for installs with API_REQUIRE_KEY=true. The browser's EventSource cannot send an
 * Authorization header, so the dashboard trades a key for a cookie once (POST /v1/session with
 * `Authorization: Bearer <key>`) and the browser sends that cookie with every /v1 request and stream.
 * The cookie holds no key: `<key id>.<expiry>.<HMAC>`, signed with a key derived from the install's
 * shared secret (every API process accepts every other's), HttpOnly (page scripts never see it),
 * SameSite=Strict (other sites cannot ride on it), Path=/v1, Secure behind https. Each request still
 * reads the key's row, so revoking the key ends its sessions at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../core/context.ts';
import { DerivedKey } from './derived-key.ts';

export const SESSION_COOKIE = 'cp_session';
export const SESSION_SECONDS = 12 * 3600;

export class SessionSigner {
  private readonly macKey: DerivedKey;

  constructor(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>) {
    this.macKey = new DerivedKey(ctx, 'cryptopulse dashboard session v1');
  }

  private async mac(payload: string): Promise<string> {
    return createHmac('sha256', await this.macKey.get())
      .update(payload)
      .digest('base64url')
      .slice(0, 32);
  }

  async issue(keyId: string, now = Date.now()): Promise<string> {
    const payload = `${keyId}.${Math.floor(now / 1000) + SESSION_SECONDS}`;
    return `${payload}.${await this.mac(payload)}`;
  }

  /** The key id of a well-formed, untampered, unexpired session token; undefined otherwise. */
  async verify(token: string, now = Date.now()): Promise<string | undefined> {
    const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$/i.exec(token);
    if (!m) return undefined;
    const [, keyId, expiry, mac] = m;
    if (Number(expiry) * 1000 <= now) return undefined;
    const want = Buffer.from(await this.mac(`${keyId}.${expiry}`));
    const got = Buffer.from(mac!);
    return want.length === got.length && timingSafeEqual(want, got) ? keyId : undefined;
  }
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
