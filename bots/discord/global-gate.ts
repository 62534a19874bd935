/**
 * Discord's global limit (50 bot requests per second per token), kept without relying on clocks
 * agreeing. Discord counts a request when it ARRIVES, which the sender cannot see: new connections,
 * serialisation and the network delay some requests more than others, so requests sent 1000 ms apart
 * may arrive closer together (measured: a sliding window on send times with 50-100 ms of margin still
 * drew global 429s from the strict fake). What the sender does know is that a request arrived before
 * its response came back. So a slot is held from send until the response, and for `windowMs` after it:
 * the 51st request leaves only `windowMs` after the 1st one's response, hence arrives more than
 * `windowMs` after the 1st arrived, whatever the delays. The cost is one round trip per window.
 *
 * discord.js counts the same limit in fixed windows that open at the first request; two windows back
 * to back let up to ~100 requests into one second (measured: 31-88 global 429s per 200 messages).
 */

export type Release = () => void;

export interface GlobalGate {
  /** Resolves when one request may be sent now; call the returned function when its response arrived. */
  acquire(signal?: AbortSignal): Promise<Release>;
}

export interface GateOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly now?: () => number;
}

interface Waiter {
  readonly resolve: (release: Release) => void;
  readonly reject: (err: unknown) => void;
}

export class ResponseWindowGate implements GlobalGate {
  /** Slots taken: undefined while the request is in flight, then the time its response arrived. */
  private readonly slots: (number | undefined)[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: GateOptions) {
    this.now = options.now ?? Date.now;
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i < 0) return;
          this.waiters.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.drain();
    });
  }

  /** Requests waiting for a slot (metrics, tests). */
  get waiting(): number {
    return this.waiters.length;
  }

  private drain(): void {
    const now = this.now();
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const done = this.slots[i];
      if (done !== undefined && done <= now - this.options.windowMs) this.slots.splice(i, 1);
    }
    // First come, first served: a waiter never overtakes an earlier one.
    while (this.waiters.length && this.slots.length < this.options.limit) {
      this.slots.push(undefined);
      this.waiters.shift()!.resolve(this.releaser());
    }
    this.schedule(now);
  }

  private releaser(): Release {
    let released = false;
    // Slots are interchangeable: a release turns the oldest in-flight slot into a timed one. Which
    // request it was does not matter for counting.
    return () => {
      if (released) return;
      released = true;
      const i = this.slots.indexOf(undefined);
      if (i >= 0) this.slots[i] = this.now();
      this.drain();
    };
  }

  private schedule(now: number): void {
    if (!this.waiters.length || this.timer) return;
    const timed = this.slots.filter((s): s is number => s !== undefined);
    // Only in-flight slots: the next release will drain.
    if (!timed.length) return;
    const wait = Math.min(...timed) + this.options.windowMs - now;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.drain();
      },
      Math.max(1, wait),
    );
  }
}
