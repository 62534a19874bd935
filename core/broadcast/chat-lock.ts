/**
 * One broadcaster at a time per subscription: the holder sends that chat's deliveries one after another
 * in stream order, which is what keeps a chat's messages in order with any number of processes. A lock
 * lives `ttlMs` unless renewed, so a killed process frees its chats after at most that long.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from '../redis.ts';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface HeldLock {
  /** False once the lock expired or was taken by someone else: stop working for that chat. */
  readonly held: boolean;
  release(): Promise<void>;
}

export class ChatLocks {
  private readonly token = randomBytes(8).toString('hex');
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (subscriptionId: string) => string,
    private readonly ttlMs: number,
  ) {}

  /** The lock of `subscriptionId`, renewed in the background until released; undefined when held elsewhere. */
  async acquire(subscriptionId: string): Promise<HeldLock | undefined> {
    const key = this.keyOf(subscriptionId);
    const ok = await this.redis.set(key, this.token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    let held = true;
    const timer = setInterval(
      () => {
        this.redis
          .eval(RENEW, 1, key, this.token, this.ttlMs)
          .then((r) => {
            if (r !== 1) held = false;
          })
          .catch(() => {
            // Redis unreachable: the lock may expire meanwhile; the ledger still refuses double sends.
          });
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    return {
      get held() {
        return held;
      },
      release: async () => {
        clearInterval(timer);
        held = false;
        await this.redis.eval(RELEASE, 1, key, this.token).catch(() => undefined);
      },
    };
  }
}
