/**
 * Folding what the REST list and the live stream say into one list, newest first. The stream may
 * repeat what the list already holds (they overlap on purpose so nothing falls between them), and a
 * lifecycle entry carries the whole signal as it now stands: merging is by id, idempotent, and a
 * closed signal never goes back to open.
 */
import type { Signal } from '../api/contract.ts';

/** Every status but `open` is final (SIGNALS.md), including ones added after this page was built. */
export const isClosed = (s: Pick<Signal, 'status'>): boolean => s.status !== 'open';

/** Newest first: by the signal candle's time, then id so equal times keep one order. */
export function newestFirst(a: Signal, b: Signal): number {
  return b.candleTime - a.candleTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The version to keep when two describe one signal: closed beats open; otherwise the incoming one. */
export function fresher(current: Signal, incoming: Signal): Signal {
  if (isClosed(current) && !isClosed(incoming)) return current;
  return incoming;
}

export function mergeSignals(list: readonly Signal[], incoming: readonly Signal[], cap = 500): Signal[] {
  const byId = new Map(list.map((s) => [s.id, s]));
  for (const s of incoming) {
    const current = byId.get(s.id);
    byId.set(s.id, current ? fresher(current, s) : s);
  }
  return [...byId.values()].sort(newestFirst).slice(0, cap);
}
