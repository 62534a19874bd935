import { describe, expect, it } from 'vitest';
import { renderRequest } from './draw.ts';
import { BENCH_CANDLESTICK, FULL_CANDLESTICK } from './examples.ts';
import { decodePng, diffImages } from './png-pixels.ts';
import { ChartInputError, createChartRenderer } from './render.ts';

describe('chart renderer', () => {
  it('renders in a worker thread the same picture as in-process, within upload limits', async () => {
    const charts = createChartRenderer({ workers: 1, cacheEntries: 0 });
    try {
      const [viaWorker, inProcess] = await Promise.all([
        charts.render(FULL_CANDLESTICK),
        renderRequest(FULL_CANDLESTICK),
      ]);
      expect(Buffer.isBuffer(viaWorker.png)).toBe(true);
      expect(viaWorker.png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([viaWorker.width, viaWorker.height]).toEqual([1200, 800]);
      expect(viaWorker.alt).toBe(inProcess.alt);
      expect(viaWorker.layout).toEqual(inProcess.layout);
      const diff = diffImages(await decodePng(viaWorker.png), await decodePng(inProcess.png), 0);
      expect(diff.differing).toBe(0);
      // Discord: 10 MiB per upload; Telegram: 10 MB per photo.
      expect(viaWorker.png.byteLength).toBeLessThan(1024 * 1024);
    } finally {
      await charts.close();
    }
  });

  it('rejects bad input with a ChartInputError a user can read, from the worker or before it', async () => {
    const charts = createChartRenderer({ workers: 1 });
    try {
      await expect(charts.render({ ...BENCH_CANDLESTICK, candles: [] })).rejects.toThrow(
        new ChartInputError('No candles to chart.'),
      );
      await expect(
        charts.render({ ...BENCH_CANDLESTICK, size: { width: 50_000, height: 700 } }),
      ).rejects.toBeInstanceOf(ChartInputError);
      await expect(
        charts.render({ ...BENCH_CANDLESTICK, overlays: [{ kind: 'ema', period: 0 }] }),
      ).rejects.toThrow('Indicator periods must be whole numbers from 1 to 500.');
      const reversed = [...BENCH_CANDLESTICK.candles].reverse();
      await expect(charts.render({ ...BENCH_CANDLESTICK, candles: reversed })).rejects.toThrow(
        'increasing time order',
      );
    } finally {
      await charts.close();
    }
  });

  it('renders the phone-preview size with the same layout proportions', async () => {
    const small = await renderRequest({ ...BENCH_CANDLESTICK, size: { width: 600, height: 350 } });
    const big = await renderRequest(BENCH_CANDLESTICK);
    expect([small.width, small.height]).toEqual([600, 350]);
    // 1200x700 is the 600x350 layout at 2x: text and lines scale with the image.
    expect(big.layout.area.left).toBeCloseTo(small.layout.area.left * 2, 0);
    expect(big.layout.area.right).toBeCloseTo(small.layout.area.right * 2, 0);
  });
});
