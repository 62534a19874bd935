/**
 * Chart rendering (issue 5): a 200-candle candlestick + volume + EMA 20/50 + RSI pane at 1200x700.
 * Prints p50/p99 render time, the ratio to a same-run baseline (200 filled rectangles on a 1200x700
 * canvas, PNG-encoded), the cache-hit cost, and the longest event-loop block during a burst of 20
 * concurrent renders, through the worker pool and, for comparison, drawn on the main thread.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createCanvas } from '@napi-rs/canvas';
import { BENCH_CANDLESTICK } from '../charts/examples.ts';
import { type ChartRenderer, createChartRenderer } from '../charts/render.ts';
import type { CandlestickRequest } from '../charts/types.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Charts: 200 candles + volume + 2 EMAs + RSI, 1200x700 PNG';

const RUNS = 40;
const { width, height } = BENCH_CANDLESTICK.size!;

/** Distinct requests defeat the cache without changing the drawing work. */
const variant = (i: number): CandlestickRequest => ({
  ...BENCH_CANDLESTICK,
  title: { ...BENCH_CANDLESTICK.title, pair: `BTC/USDT#${i}` },
});

async function baseline(): Promise<number> {
  const start = performance.now();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#131722';
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 200; i++) {
    ctx.fillStyle = i % 2 ? '#26a69a' : '#ef5350';
    ctx.fillRect(20 + i * 5.5, 80 + ((i * 37) % 300), 4, 40 + ((i * 13) % 200));
  }
  await canvas.encode('png');
  return performance.now() - start;
}

async function sequential(renderer: ChartRenderer, offset: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await renderer.render(variant(offset + i));
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Longest gap between 1 ms timer ticks (minus the period) while `work` runs: time the loop was blocked. */
async function longestBlock(
  work: () => Promise<unknown>,
): Promise<{ drift: number; histogramMax: number; wall: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  let drift = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    drift = Math.max(drift, now - last - 1);
    last = now;
  }, 1);
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  clearInterval(probe);
  histogram.disable();
  return { drift, histogramMax: histogram.max / 1e6, wall };
}

const burst = (renderer: ChartRenderer, offset: number) => () =>
  Promise.all(Array.from({ length: 20 }, (_, i) => renderer.render(variant(offset + i))));

export async function run(): Promise<BenchRow[]> {
  const pooled = createChartRenderer({ cacheEntries: 0, workers: 1 });
  const inline = createChartRenderer({ cacheEntries: 0, workers: 0 });
  const cached = createChartRenderer({ workers: 0 });
  try {
    await pooled.warmup();
    await inline.warmup();
    for (let i = 0; i < 10; i++) await baseline();
    await sequential(pooled, 1_000);
    await sequential(inline, 2_000);

    const base: number[] = [];
    for (let i = 0; i < RUNS; i++) base.push(await baseline());
    const viaPool = await sequential(pooled, 3_000);
    const onMain = await sequential(inline, 4_000);

    const first = await cached.render(BENCH_CANDLESTICK);
    const hits = 10_000;
    const hitStart = performance.now();
    for (let i = 0; i < hits; i++) await cached.render(BENCH_CANDLESTICK);
    const hitMs = (performance.now() - hitStart) / hits;

    const cpuBefore = process.threadCpuUsage();
    const poolBurst = await longestBlock(burst(pooled, 5_000));
    const cpu = process.threadCpuUsage(cpuBefore);
    const mainBurst = await longestBlock(burst(inline, 6_000));

    const b50 = percentile(base, 50);
    const p50 = percentile(viaPool, 50);
    const m50 = percentile(onMain, 50);
    return [
      {
        metric: 'baseline: 200 rects + PNG encode p50 / p99',
        value: `${ms(b50)} / ${ms(percentile(base, 99))}`,
      },
      {
        metric: 'render via worker pool p50 / p99',
        value: `${ms(p50)} / ${ms(percentile(viaPool, 99))}`,
        note: `${(p50 / b50).toFixed(2)}x baseline (goal <= 2x)`,
      },
      {
        metric: 'render on main thread p50 / p99',
        value: `${ms(m50)} / ${ms(percentile(onMain, 99))}`,
        note: `${(m50 / b50).toFixed(2)}x baseline`,
      },
      { metric: 'cache hit', value: `${(hitMs * 1000).toFixed(2)} µs`, note: `mean of ${hits} hits` },
      {
        metric: 'PNG size',
        value: `${(first.png.byteLength / 1024).toFixed(0)} KiB`,
        note: 'Discord 10 MiB, Telegram photo 10 MB',
      },
      {
        metric: 'burst of 20, worker pool: longest loop block',
        value: ms(poolBurst.drift),
        note: `goal < 20 ms; histogram max ${ms(poolBurst.histogramMax)}; wall ${ms(poolBurst.wall, 0)}; main-thread CPU ${ms((cpu.user + cpu.system) / 1000, 1)}`,
      },
      {
        metric: 'burst of 20, main thread: longest loop block',
        value: ms(mainBurst.drift),
        note: `why the pool exists; wall ${ms(mainBurst.wall, 0)}`,
      },
    ];
  } finally {
    await Promise.all([pooled.close(), inline.close(), cached.close()]);
  }
}
