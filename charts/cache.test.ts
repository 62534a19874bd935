import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenderCache } from './cache.ts';
import { cacheKey } from './cache-key.ts';
import { BENCH_CANDLESTICK } from './examples.ts';
import { createChartRenderer } from './render.ts';

const bytes = (s: string) => s.length;

describe('render cache', () => {
  it('renders identical concurrent requests once and serves repeats from the cache', async () => {
    const charts = createChartRenderer({ workers: 0 });
    const results = await Promise.all(Array.from({ length: 5 }, () => charts.render(BENCH_CANDLESTICK)));
    expect(new Set(results.map((r) => r.png)).size).toBe(1);
    expect(charts.stats()).toMatchObject({ misses: 1, joined: 4, hits: 0, entries: 1 });
    const again = await charts.render({ ...BENCH_CANDLESTICK, candles: [...BENCH_CANDLESTICK.candles] });
    expect(again.png).toBe(results[0]!.png);
    expect(charts.stats().hits).toBe(1);
    await charts.close();
  });

  it('keys on what changes the picture: a moving last candle, indicators, theme, size', () => {
    const base = cacheKey(BENCH_CANDLESTICK);
    const candles = [...BENCH_CANDLESTICK.candles];
    const last = candles.pop()!;
    const variants = [
      { ...BENCH_CANDLESTICK, candles: [...candles, { ...last, c: last.c + 1 }] },
      { ...BENCH_CANDLESTICK, overlays: [{ kind: 'ema' as const, period: 21 }] },
      { ...BENCH_CANDLESTICK, theme: 'light' as const },
      { ...BENCH_CANDLESTICK, size: { width: 800, height: 600 } },
      { ...BENCH_CANDLESTICK, title: { ...BENCH_CANDLESTICK.title, timeframe: '4h' as const } },
      { ...BENCH_CANDLESTICK, paper: true },
    ];
    const keys = new Set([base, ...variants.map(cacheKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('does not cache failures, so the next request retries', async () => {
    const cache = new RenderCache<string>({ maxEntries: 10, maxBytes: 1_000, sizeOf: bytes });
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(cache.get('k', async () => 'ok')).resolves.toBe('ok');
    expect(cache.stats()).toMatchObject({ misses: 2, entries: 1 });
  });

  it('evicts the least recently used entry first', async () => {
    const cache = new RenderCache<string>({ maxEntries: 2, maxBytes: 1_000, sizeOf: bytes });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    await cache.get('a', async () => 'never');
    await cache.get('c', async () => 'C'); // evicts b, the least recently used
    expect(await cache.get('a', async () => 'A2')).toBe('A');
    expect(await cache.get('c', async () => 'C2')).toBe('C');
    expect(await cache.get('b', async () => 'B2')).toBe('B2');
  });

  it('never holds more than its entry and byte bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 40 })), { maxLength: 200 }),
        async (ops) => {
          const cache = new RenderCache<string>({ maxEntries: 5, maxBytes: 60, sizeOf: bytes });
          for (const [key, value] of ops) {
            await cache.get(String(key), async () => value);
            const s = cache.stats();
            expect(s.entries).toBeLessThanOrEqual(5);
            expect(s.bytes).toBeLessThanOrEqual(60);
          }
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});
