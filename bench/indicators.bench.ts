/**
 * technicalindicators (batch arrays) vs trading-signals (streaming, one value at a time) on the
 * indicators the charts draw. Decides which library `core/market/indicators/series.ts` uses; figures go in
 * docs/charts.md. Same process, same data, interleaved runs, median of repeats.
 */
import { performance } from 'node:perf_hooks';
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Indicators: technicalindicators 3.1 vs trading-signals 8.3';

function series(n: number): number[] {
  // Deterministic random walk (LCG) so runs are comparable.
  let seed = 42;
  let price = 100;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    price *= 1 + (seed / 2 ** 32 - 0.5) * 0.02;
    out.push(price);
  }
  return out;
}

type Job = (values: readonly number[]) => unknown;

const TI: Record<string, Job> = {
  'EMA 20': (values) => ti.EMA.calculate({ period: 20, values: [...values] }),
  'RSI 14': (values) => ti.RSI.calculate({ period: 14, values: [...values] }),
  'MACD 12/26/9': (values) =>
    ti.MACD.calculate({
      values: [...values],
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    }),
  'Bollinger 20/2': (values) => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: [...values] }),
};

function streaming(make: () => { add(v: number): unknown }): Job {
  return (values) => {
    const ind = make();
    const out: unknown[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ind.add(values[i]!);
    return out;
  };
}

const TS: Record<string, Job> = {
  'EMA 20': streaming(() => new ts.EMA(20)),
  'RSI 14': streaming(() => new ts.RSI(14)),
  'MACD 12/26/9': streaming(() => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9))),
  'Bollinger 20/2': streaming(() => new ts.BollingerBands(20, 2)),
};

function timeMedian(job: Job, values: readonly number[], repeats: number): number {
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    job(values);
    samples.push(performance.now() - start);
  }
  return percentile(samples, 50);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const big = series(100_000);
  const chart = series(250);
  for (const name of Object.keys(TI)) {
    const a = TI[name]!;
    const b = TS[name]!;
    // Warm both JITs before measuring.
    timeMedian(a, big, 3);
    timeMedian(b, big, 3);
    const bigA = timeMedian(a, big, 9);
    const bigB = timeMedian(b, big, 9);
    const smallA = timeMedian(a, chart, 200);
    const smallB = timeMedian(b, chart, 200);
    rows.push({
      metric: `${name}, 100k values`,
      value: `${ms(bigA)} vs ${ms(bigB)}`,
      note: `technicalindicators vs trading-signals (${(bigA / bigB).toFixed(1)}x)`,
    });
    rows.push({
      metric: `${name}, 250 values (one chart)`,
      value: `${ms(smallA, 3)} vs ${ms(smallB, 3)}`,
      note: `technicalindicators vs trading-signals (${(smallA / smallB).toFixed(1)}x)`,
    });
  }
  return rows;
}
