/**
 * Public API of the chart module: plain data in, `{ png, alt, width, height }` out.
 *
 *   const charts = createChartRenderer();
 *   const { png, alt } = await charts.render({ kind: 'candlestick', title, candles, overlays: [{ kind: 'ema', period: 20 }] });
 *
 * Renders run in a worker pool (drawing is synchronous Chart.js work), are cached by request identity,
 * and identical concurrent requests share one render.
 */
import { availableParallelism } from 'node:os';
import { RenderCache } from './cache.ts';
import { cacheKey } from './cache-key.ts';
import { type DrawResult, renderRequest } from './draw.ts';
import { RenderPool } from './pool.ts';
import type { ChartRequest, RenderedChart } from './types.ts';
import { validateRequest } from './validate.ts';

export type * from './types.ts';
export { ChartInputError } from './validate.ts';

export interface ChartRendererOptions {
  /** Worker threads; 0 draws on the calling thread (tests, scripts). Default: cores - 1, 1 to 4. */
  readonly workers?: number;
  /** Finished renders kept (LRU). Default 200; 0 disables the cache (in-flight sharing remains). */
  readonly cacheEntries?: number;
  /** Byte budget of cached PNGs. Default 64 MiB. */
  readonly cacheBytes?: number;
}

export interface ChartRenderer {
  render(request: ChartRequest): Promise<RenderedChart>;
  stats(): ReturnType<RenderCache<RenderedChart>['stats']>;
  /** Starts the workers ahead of the first request. */
  warmup(): Promise<void>;
  close(): Promise<void>;
}

const WARMUP_REQUEST: ChartRequest = {
  kind: 'candlestick',
  title: { pair: 'WARM/UP', timeframe: '1h', exchange: 'sim' },
  candles: [
    { t: 0, o: 1, h: 2, l: 0.5, c: 1.5, v: 1 },
    { t: 3_600_000, o: 1.5, h: 2, l: 1, c: 1.2, v: 1 },
  ],
  size: { width: 400, height: 320 },
};

function toRendered(r: DrawResult): RenderedChart {
  return {
    png: Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength),
    alt: r.alt,
    width: r.width,
    height: r.height,
    layout: r.layout,
  };
}

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const workers = options.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  const pool = workers > 0 ? new RenderPool(workers) : null;
  const cache = new RenderCache<RenderedChart>({
    maxEntries: options.cacheEntries ?? 200,
    maxBytes: options.cacheBytes ?? 64 * 1024 * 1024,
    sizeOf: (r) => r.png.byteLength,
  });
  const draw = (req: ChartRequest): Promise<DrawResult> => (pool ? pool.run(req) : renderRequest(req));
  return {
    render(request) {
      try {
        validateRequest(request);
      } catch (err) {
        return Promise.reject(err);
      }
      return cache.get(cacheKey(request), async () => toRendered(await draw(request)));
    },
    stats: () => cache.stats(),
    warmup: async () => {
      if (pool) await pool.warmup(WARMUP_REQUEST);
      else await renderRequest(WARMUP_REQUEST);
    },
    close: async () => {
      await pool?.close();
    },
  };
}
