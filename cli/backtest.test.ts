/**
 * `cryptopulse backtest` over files: a 100,000-candle CSV end to end (the real CLI process once, then
 * in-process), the JSON contract, `--set`, `--chart`, and every bad file with its one-line message and
 * exit code 2 with nothing on stdout.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../core/signals/backtest.ts';
import { DEFAULT_PARAMS } from '../core/signals/params.ts';
import { syntheticCandles, toCsv } from '../core/signals/testing/synthetic.ts';
import { signalSchema, statsSchema } from '../core/signals/types.ts';
import { spawnCli } from '../test/support/cli.ts';
import { runBacktestCommand } from './backtest.ts';

let dir: string;
const candles = syntheticCandles(100_000);

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runBacktestCommand(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-backtest-'));
  await file('100k.csv', toCsv(candles));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('backtest on a 100,000-candle file', () => {
  it('runs as a real CLI process: JSON and nothing else on stdout, exit 0', async () => {
    const run = spawnCli(['backtest', '--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--json'], {});
    let stdout = '';
    run.child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const { code } = await run.exited;
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['params', 'period', 'signals', 'stats', 'equity']);
    expect((doc.period as { candles: number }).candles).toBe(100_000);
  }, 90_000);

  it('prints the contract: signals with status and exit, stats, equity; the same as the library run', async () => {
    const { code, out, err } = await cli(['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out) as {
      signals: unknown[];
      stats: unknown;
      equity: { equity: number }[];
      params: unknown;
    };
    const signals = doc.signals.map((s) => signalSchema.parse(s));
    expect(signals.length).toBeGreaterThan(50);
    expect(signals.filter((s) => s.exit).length).toBeGreaterThan(50);
    const stats = statsSchema.parse(doc.stats);
    expect(stats.closed).toBe(doc.equity.length - 1);
    // Prices in the file have 2 decimals, so published levels are rounded to 2.
    expect(doc.params).toMatchObject({ priceDecimals: 2 });
    for (const s of signals) expect(Math.round(s.stopLoss * 100) / 100).toBe(s.stopLoss);
    const direct = runBacktest(
      candles,
      { ...DEFAULT_PARAMS, priceDecimals: 2 },
      {
        exchange: 'backtest',
        pair: 'BTC/USDT',
        mode: 'paper',
        timeframe: '5m',
      },
    );
    expect(signals).toEqual(direct.signals);
  });

  it('prints a summary a trader reads at a glance, and the speed', async () => {
    const { code, out } = await cli(['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT']);
    expect(code).toBe(0);
    expect(out).toMatch(/Bar Reaction 5M backtest · BTC\/USDT 5m · 2024-01-01T00:00:00.000Z/);
    expect(out).toMatch(/win rate .* profit factor/);
    expect(out).toMatch(/expectancy .* R/);
    expect(out).toMatch(/max drawdown/);
    expect(out).toMatch(/Parameters: trend, trigger 12 bps/);
    expect(out).toMatch(/candles\/s/);
  });

  it('--set changes a parameter, and the parameters used are reported', async () => {
    const { out } = await cli([
      '--file',
      join(dir, '100k.csv'),
      '--pair',
      'BTC/USDT',
      '--json',
      '--set',
      'mode=revert',
      '--set',
      'triggerBps=20',
    ]);
    const doc = JSON.parse(out) as { params: { mode: string; triggerBps: number } };
    expect(doc.params).toMatchObject({ mode: 'revert', triggerBps: 20 });
  });

  it('--chart writes the equity curve as a PNG', async () => {
    const png = join(dir, 'equity.png');
    const { code } = await cli(['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--chart', png]);
    expect(code).toBe(0);
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);

  it('reads ccxt OHLCV JSON and CSV with seconds and a trades column alike', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const json = JSON.stringify(
      rows.map((i) => [candles.t[i], candles.o[i], candles.h[i], candles.l[i], candles.c[i], candles.v[i]]),
    );
    const csvSeconds = rows
      .map(
        (i) =>
          `${candles.t[i]! / 1000},${candles.o[i]},${candles.h[i]},${candles.l[i]},${candles.c[i]},${candles.v[i]},17`,
      )
      .join('\r\n');
    const a = await cli(['--file', await file('a.json', json), '--pair', 'BTC/USDT', '--json']);
    const b = await cli(['--file', await file('b.csv', csvSeconds), '--pair', 'BTC/USDT', '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toEqual(JSON.parse(b.out));
  });

  it('reads every row when the first line is much longer than the rest (the columns grow)', async () => {
    // Capacity is guessed from the first line's length: here a tenth of the rows needed.
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const line = (i: number) =>
      `${candles.t[i]},${candles.o[i]},${candles.h[i]},${candles.l[i]},${candles.c[i]},${candles.v[i]}`;
    const padded = `${candles.t[0]}.${'0'.repeat(200)},${candles.o[0]},${candles.h[0]},${candles.l[0]},${candles.c[0]},${candles.v[0]}`;
    const a = await cli([
      '--file',
      await file('plain.csv', rows.map(line).join('\n')),
      '--pair',
      'BTC/USDT',
      '--json',
    ]);
    const b = await cli([
      '--file',
      await file('long-first.csv', [padded, ...rows.slice(1).map(line)].join('\n')),
      '--pair',
      'BTC/USDT',
      '--json',
    ]);
    expect(b.code, b.err).toBe(0);
    expect(JSON.parse(b.out).period).toEqual(JSON.parse(a.out).period);
    expect(JSON.parse(b.out).period.candles).toBe(300);
  });
});

describe('bad input: one line saying what and where, exit 2, nothing on stdout', () => {
  const good = (i: number) => `${1_700_000_000_000 + i * 300_000},100,101,99,100.5,10`;
  const lines = (n: number) => Array.from({ length: n }, (_, i) => good(i));
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    [
      'a missing file',
      async () => ['--file', join(dir, 'nope.csv'), '--pair', 'BTC/USDT'],
      /nope\.csv: no such file/,
    ],
    [
      'an empty file',
      async () => ['--file', await file('empty.csv', '\n'), '--pair', 'BTC/USDT'],
      /empty\.csv is empty/,
    ],
    [
      'line 7 malformed',
      async () => {
        const l = lines(10);
        l[6] = '1700000001800000,100,101,99';
        return ['--file', await file('short.csv', l.join('\n')), '--pair', 'BTC/USDT'];
      },
      /short\.csv line 7 is malformed: expected 6 or 7 comma-separated numbers .* found 4/,
    ],
    [
      'a non-numeric value',
      async () => {
        const l = lines(10);
        l[3] = `${1_700_000_000_000 + 3 * 300_000},100,abc,99,100.5,10`;
        return ['--file', await file('nan.csv', l.join('\n')), '--pair', 'BTC/USDT'];
      },
      /nan\.csv line 4, field 3: "abc" is not a number/,
    ],
    [
      'unsorted timestamps',
      async () => {
        const l = lines(10);
        [l[4], l[5]] = [l[5]!, l[4]!];
        return ['--file', await file('unsorted.csv', l.join('\n')), '--pair', 'BTC/USDT'];
      },
      /unsorted\.csv line 6: timestamps are not sorted/,
    ],
    [
      'a duplicate timestamp',
      async () => {
        const l = lines(10);
        l[5] = l[4]!;
        return ['--file', await file('dup.csv', l.join('\n')), '--pair', 'BTC/USDT'];
      },
      /dup\.csv line 6: duplicate timestamp 1700001200000/,
    ],
    [
      'high below low',
      async () => {
        const l = lines(10);
        l[2] = `${1_700_000_000_000 + 2 * 300_000},100,98,99,100.5,10`;
        return ['--file', await file('hl.csv', l.join('\n')), '--pair', 'BTC/USDT'];
      },
      /hl\.csv line 3: high 98 is below low 99/,
    ],
    [
      'a blank line inside',
      async () => ['--file', await file('blank.csv', `${good(0)}\n\n${good(1)}\n`), '--pair', 'BTC/USDT'],
      /blank\.csv line 2 is empty/,
    ],
    [
      'JSON that is not JSON',
      async () => ['--file', await file('bad.json', '[[1,2,3'), '--pair', 'BTC/USDT'],
      /bad\.json is not valid JSON/,
    ],
    [
      'a JSON row with a string',
      async () => [
        '--file',
        await file('row.json', '[[1700000000000,1,2,0.5,1.5,3],[1700000300000,"x",2,0.5,1.5,3]]'),
        '--pair',
        'BTC/USDT',
      ],
      /row\.json row 2, field 2: "x" is not a number/,
    ],
    ['no --pair', async () => ['--file', join(dir, '100k.csv')], /--pair is required/],
    [
      'a --pair that is not a pair says what it got, not that it is missing',
      async () => ['--file', join(dir, '100k.csv'), '--pair', 'FOO'],
      /--pair FOO: write the market like BTC\/USDT/,
    ],
    [
      'a JSON object instead of the rows',
      async () => ['--file', await file('object.json', '{"candles":[]}'), '--pair', 'BTC/USDT'],
      /object\.json: expected a JSON array of \[ms,o,h,l,c,v\] rows/,
    ],
    [
      '--since with --file (it would be ignored: the file is run whole)',
      async () => ['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--since', '2024-01-01'],
      /--since and --until choose what --exchange downloads; a --file is run whole/,
    ],
    [
      '--chart into a folder that does not exist (refused before the run, not after it)',
      async () => [
        '--file',
        join(dir, '100k.csv'),
        '--pair',
        'BTC/USDT',
        '--chart',
        join(dir, 'no', 'eq.png'),
      ],
      /--chart .*eq\.png: the folder .*no does not exist/,
    ],
    [
      'an unknown parameter',
      async () => ['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--set', 'speed=3'],
      /--set speed: unknown parameter/,
    ],
    [
      'a parameter out of range',
      async () => ['--file', join(dir, '100k.csv'), '--pair', 'BTC/USDT', '--set', 'triggerBps=-1'],
      /strategy parameter triggerBps/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await cli(await args());
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a pair written with a dash or in lower case is the same market', async () => {
    const r = await cli(['--file', join(dir, '100k.csv'), '--pair', 'btc-usdt', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { signals: { pair: string }[] }).signals[0]?.pair).toBe('BTC/USDT');
  });

  it('the real CLI process exits 2 with the line on stderr', async () => {
    const run = spawnCli(
      ['backtest', '--file', join(dir, 'missing.csv'), '--pair', 'BTC/USDT', '--json'],
      {},
    );
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output()).toMatch(/backtest: .*missing\.csv: no such file/);
  }, 90_000);
});
