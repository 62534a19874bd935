/** The list and the stream overlap on purpose; merging them never loses, duplicates or reopens a signal. */
import { describe, expect, it } from 'vitest';
import type { Signal } from '../src/api/contract.ts';
import { mergeSignals } from '../src/live/merge.ts';

const at = (candleTime: number, status = 'open', id = `s:${candleTime}`): Signal => ({
  id,
  pair: 'BTC/USD',
  mode: 'paper',
  side: 'long',
  entry: 1,
  stopLoss: 0.9,
  takeProfit: 1.2,
  confidence: 0.5,
  reason: 'r',
  candleTime,
  time: new Date(candleTime + 300_000).toISOString(),
  status,
});

describe('merging the REST page with the stream', () => {
  it('keeps one card per id, newest first', () => {
    const merged = mergeSignals([at(2), at(1)], [at(3), at(2)]);
    expect(merged.map((s) => s.id)).toEqual(['s:3', 's:2', 's:1']);
  });

  it('takes a lifecycle update in place', () => {
    const merged = mergeSignals([at(2), at(1)], [at(1, 'target')]);
    expect(merged.map((s) => [s.id, s.status])).toEqual([
      ['s:2', 'open'],
      ['s:1', 'target'],
    ]);
  });

  it('never reopens a closed signal when an older copy arrives later', () => {
    expect(mergeSignals([at(1, 'stop')], [at(1, 'open')])[0]!.status).toBe('stop');
  });

  it('is idempotent: replaying the same entries changes nothing', () => {
    const once = mergeSignals([], [at(1), at(2, 'target'), at(3)]);
    expect(mergeSignals(once, [at(1), at(2, 'target'), at(3)])).toEqual(once);
  });
});
