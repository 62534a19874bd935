import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResponseWindowGate } from './global-gate.ts';

describe('ResponseWindowGate', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('holds a slot while the request is in flight and for the window after its response', async () => {
    const gate = new ResponseWindowGate({ limit: 2, windowMs: 1000 });
    const first = await gate.acquire();
    await gate.acquire();
    let third = false;
    void gate.acquire().then(() => (third = true));
    await vi.advanceTimersByTimeAsync(300);
    expect(third).toBe(false);
    expect(gate.waiting).toBe(1);
    // The first response comes back at t=300: its slot frees at t=1300, not t=1000.
    first();
    await vi.advanceTimersByTimeAsync(999);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toBe(true);
  });

  it('serves waiters in order and drops an aborted one', async () => {
    const gate = new ResponseWindowGate({ limit: 1, windowMs: 1000 });
    const release = await gate.acquire();
    const order: string[] = [];
    const abort = new AbortController();
    const a = gate.acquire(abort.signal).then(
      () => order.push('a'),
      () => order.push('a aborted'),
    );
    const b = gate.acquire().then(() => order.push('b'));
    abort.abort();
    await a;
    release();
    await vi.advanceTimersByTimeAsync(1000);
    await b;
    expect(order).toEqual(['a aborted', 'b']);
    expect(gate.waiting).toBe(0);
  });
});
