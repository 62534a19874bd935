/**
 * A MAC key for one purpose, derived from the install's shared secret (CONFIRM_SECRET or the one kept
 * in Redis), so every API process derives the same one. Computed once; a failure (Redis away) is not
 * cached, the next use tries again.
 */
import { createHmac } from 'node:crypto';
import type { AppContext } from '../core/context.ts';
import { confirmSecret } from '../core/trading/confirm-handle.ts';

export class DerivedKey {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly ctx: Pick<AppContext, 'config' | 'redis' | 'keys'>,
    /** What the key is for, e.g. "cryptopulse api cursor v1": different purposes, different keys. */
    private readonly purpose: string,
  ) {}

  get(): Promise<Buffer> {
    this.key ??= confirmSecret(this.ctx)
      .then((secret) => createHmac('sha256', secret).update(this.purpose).digest())
      .catch((err: unknown) => {
        this.key = undefined;
        throw err;
      });
    return this.key;
  }
}
