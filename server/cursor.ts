/**
 * Opaque, tamper-proof page cursors. The store's keyset cursor (time and id of the last row, stable
 * while new signals arrive because it never counts rows) is signed with an HMAC that also covers the
 * filters it was issued for: an edited cursor, or one reused with other filters, is a 400 naming
 * `cursor`, never a silently different page. The key is derived from the install's shared secret
 * (CONFIRM_SECRET or the one kept in Redis), so every API process accepts every other's cursors.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../core/context.ts';
import { DerivedKey } from './derived-key.ts';
import { badParameter } from './errors.ts';

const MAC_BYTES = 16;

export class CursorSigner {
  private readonly macKey: DerivedKey;

  constructor(ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>) {
    this.macKey = new DerivedKey(ctx, 'cryptopulse api cursor v1');
  }

  private async mac(inner: string, scope: string): Promise<Buffer> {
    return createHmac('sha256', await this.macKey.get())
      .update(`${scope}\n${inner}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }

  async sign(inner: string, scope: string): Promise<string> {
    return `${inner}.${(await this.mac(inner, scope)).toString('base64url')}`;
  }

  /** The store's cursor inside `cursor`, or a 400 naming `cursor`. */
  async open(cursor: string, scope: string): Promise<string> {
    const dot = cursor.lastIndexOf('.');
    const inner = cursor.slice(0, dot);
    const givenText = cursor.slice(dot + 1);
    const given = Buffer.from(givenText, 'base64url');
    const expected = await this.mac(inner, scope);
    // Node's decoder ignores a last character's unused bits and stray characters, so several texts
    // decode to one MAC: only the exact text sign() wrote is this API's cursor.
    const canonical = given.toString('base64url') === givenText;
    if (dot <= 0 || !canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw badParameter('cursor', 'is not a cursor this API returned for these filters; start without one');
    }
    return inner;
  }
}
