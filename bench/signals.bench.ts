/**
 * The signal engine on one set of 100,000 5-minute candles: Bar Reaction 5M with its lifecycle and
 * track record, technicalindicators computing only ATR(14) on the same candles (the baseline; goal:
 * ours ≥ 2× faster), and `cryptopulse backtest --json` end to end on the same candles as a CSV file
 * (read, parse, strategy, JSON; in-process, so Node's start-up is not counted; goal ≥ 1,000,000/s).
 * Interleaved runs, median of repeats, after a warm-up. Each figure twice: by wall time, and by the
 * CPU time this process spent (process.cpuUsage) — on a shared, loaded machine the wall figure
 * measures the neighbours as much as the code; the CPU figure is the one to compare across runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ti from 'technicalindicators';
import { runBacktestCommand } from '../cli/backtest.ts';
import { runBacktest } from '../core/signals/backtest.ts';
import { DEFAULT_PARAMS } from '../core/signals/params.ts';
import { syntheticCandles, toCsv } from '../core/signals/testing/synthetic.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Signals: Bar Reaction 5M vs technicalindicators ATR(14), backtest end to end';

const N = 100_000;
const REPEATS = 9;

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

async function time(job: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await job();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

export async function run(): Promise<readonly BenchRow[]> {
  const candles = syntheticCandles(N);
  const dir = await mkdtemp(join(tmpdir(), 'cp-bench-signals-'));
  const file = join(dir, 'candles.csv');
  await writeFile(file, toCsv(candles));
  const high = Array.from(candles.h);
  const low = Array.from(candles.l);
  const close = Array.from(candles.c);
  const params = { ...DEFAULT_PARAMS, priceDecimals: 2 };
  const meta = { exchange: 'bench', pair: 'BTC/USDT', mode: 'paper', timeframe: '5m' } as const;
  let signals = 0;
  const ours = () => {
    signals = runBacktest(candles, params, meta).signals.length;
  };
  // technicalindicators' batch API wants fresh arrays (it may consume them): copying is part of its call.
  const theirs = () => ti.ATR.calculate({ high: [...high], low: [...low], close: [...close], period: 14 });
  let out = '';
  const io = {
    out: (s: string) => {
      out = s;
    },
    err: () => {},
  };
  const endToEnd = async () => {
    const code = await runBacktestCommand(['--file', file, '--pair', 'BTC/USDT', '--json'], io);
    if (code !== 0) throw new Error(`backtest exited ${code}`);
  };

  for (let i = 0; i < 3; i++) {
    ours();
    theirs();
    await endToEnd();
  }
  const a: Timing[] = [];
  const b: Timing[] = [];
  const e: Timing[] = [];
  for (let i = 0; i < REPEATS; i++) {
    a.push(await time(ours));
    b.push(await time(theirs));
    e.push(await time(endToEnd));
  }
  await rm(dir, { recursive: true, force: true });
  const med = (xs: Timing[], k: keyof Timing = 'wall') =>
    percentile(
      xs.map((x) => x[k]),
      50,
    );
  const perSec = (msValue: number) => Math.round(N / (msValue / 1000)).toLocaleString('en-US');
  const parsed = JSON.parse(out) as { signals: unknown[] };
  return [
    {
      metric: 'candles',
      value: N.toLocaleString('en-US'),
      note: `${signals} signals (${parsed.signals.length} via the CLI)`,
    },
    {
      metric: 'Bar Reaction 5M + lifecycle + track record',
      value: `${perSec(med(a))} candles/s`,
      note: `${ms(med(a))} wall; ${perSec(med(a, 'cpu'))} candles/s by CPU time`,
    },
    {
      metric: 'technicalindicators ATR(14) only',
      value: `${perSec(med(b))} candles/s`,
      note: `${ms(med(b))} wall; ${perSec(med(b, 'cpu'))} candles/s by CPU time`,
    },
    {
      metric: 'ratio (ours / ATR only)',
      value: `${(med(b) / med(a)).toFixed(2)}×`,
      note: `goal ≥ 2×; ${(med(b, 'cpu') / med(a, 'cpu')).toFixed(2)}× by CPU time`,
    },
    {
      metric: 'backtest --json end to end (CSV read + parse + run + JSON)',
      value: `${perSec(med(e))} candles/s`,
      note: `${ms(med(e))} wall; goal ≥ 1,000,000/s`,
    },
    {
      metric: 'backtest --json end to end, by CPU time',
      value: `${perSec(med(e, 'cpu'))} candles/s`,
      note: `${ms(med(e, 'cpu'))} of CPU; the wall figure above includes waiting for a shared CPU`,
    },
  ];
}
