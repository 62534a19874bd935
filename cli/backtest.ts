/**
 * `cryptopulse backtest --file F --pair P [--timeframe 5m] [--json] [--set name=value]… [--chart eq.png]`
 * and `cryptopulse backtest --exchange ID --pair P --since 2024-01-01 [--until …]` (candles fetched
 * through ccxt, paginated, cached on disk). The same strategy code as the live engine.
 *
 * Bad input exits 2 with one line on stderr saying what is wrong and where, and nothing on stdout.
 * `--json` prints `{ params, period, signals, stats, equity }` and nothing else on stdout.
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config.ts';
import { isAppError } from '../core/errors.ts';
import { isTimeframe, type Timeframe, timeframeMs } from '../core/market/types.ts';
import { type BacktestResult, runBacktest } from '../core/signals/backtest.ts';
import {
  PARAM_NAMES,
  type ParamOverrides,
  resolveParams,
  type StrategyParams,
} from '../core/signals/params.ts';
import { computeStats } from '../core/signals/stats.ts';
import type { Stats } from '../core/signals/types.ts';
import { downloadCandles } from './backtest-download.ts';
import { BadCandleFile, type ParsedCandles, parseCandleFile, readCandleBytes } from './backtest-file.ts';

/** A problem with what the user gave us: one line, exit code 2. */
export class BacktestInputError extends Error {}

const PROGRESS_FROM = 500_000;

function parseSet(values: readonly string[]): ParamOverrides {
  const out: Record<string, unknown> = {};
  for (const item of values) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(item.trim());
    if (!m) throw new BacktestInputError(`--set ${item}: expected name=value, e.g. --set triggerBps=15`);
    const [, name, raw] = m as unknown as [string, string, string];
    if (!(PARAM_NAMES as readonly string[]).includes(name))
      throw new BacktestInputError(`--set ${name}: unknown parameter (known: ${PARAM_NAMES.join(', ')})`);
    if (name === 'mode') out[name] = raw;
    else {
      const n = Number(raw);
      if (!Number.isFinite(n))
        throw new BacktestInputError(`--set ${name}=${raw}: the value must be a number`);
      out[name] = n;
    }
  }
  return out as ParamOverrides;
}

function parseDay(flag: string, value: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t))
    throw new BacktestInputError(`${flag} ${value}: expected a date such as 2024-01-01`);
  return t;
}

const fmt = (x: number | null, digits = 2, suffix = '') =>
  x === null || !Number.isFinite(x)
    ? '—'
    : `${x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${suffix}`;
const signed = (x: number | null, digits = 2, suffix = '') =>
  x === null ? '—' : `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), digits, suffix)}`;

function statsLines(label: string, s: Stats): string[] {
  return [
    `${label}: ${s.signals} signals (${s.closed} closed) · ${s.wins} wins · win rate ${fmt(s.winRate === null ? null : s.winRate * 100, 1, ' %')} · profit factor ${fmt(s.profitFactor)}`,
    `  expectancy ${signed(s.expectancyR, 2, ' R')} · avg win ${signed(s.avgWinPct, 3, ' %')} · avg loss ${signed(s.avgLossPct, 3, ' %')} · longest losing streak ${s.longestLosingStreak}`,
    `  net PnL ${signed(s.netPnl)} (${signed(s.returnPct, 2, ' %')}) · max drawdown ${fmt(s.maxDrawdownPct, 2, ' %')} · Sharpe ${fmt(s.sharpe)} · exposure ${fmt(s.exposurePct, 1, ' %')}`,
  ];
}

function paramsLine(p: StrategyParams): string {
  return [
    `${p.mode}`,
    `trigger ${p.triggerBps} bps`,
    `ATR(${p.atrPeriod}) ${p.minAtrPct}–${p.maxAtrPct} %`,
    `stop ${p.slAtr} ATR`,
    `targets ${p.tp1Atr} / ${p.tp2Atr} ATR`,
    `spread cap ${p.spreadCapBps} bps`,
    `hold ${p.maxHoldMinutes} min`,
    `fees ${p.makerFeeBps} / ${p.takerFeeBps} bps`,
    `risk ${p.riskPct} %`,
    `notional cap ${p.maxNotionalPct} %`,
    `start ${p.startEquity}`,
    ...(p.priceDecimals === undefined ? [] : [`prices to ${p.priceDecimals} decimals`]),
  ].join(', ');
}

function summary(r: BacktestResult, pair: string, tf: string, rate: number): string {
  const sides = (['long', 'short'] as const).map((side) => {
    const subset = r.signals.filter((s) => s.side === side);
    const trades = subset
      .filter((s) => s.exit)
      .map((s) => ({
        time: Date.parse(s.time),
        exitTime: Date.parse(s.exit!.time),
        r: s.exit!.r,
        pnl: s.exit!.pnl,
        pnlPct: s.exit!.pnlPct,
        equityAtEntry: 0,
      }));
    return statsLines(side, computeStats(trades, subset.length - trades.length, r.params.startEquity));
  });
  return [
    `Bar Reaction 5M backtest · ${pair} ${tf} · ${r.period.from ?? '—'} → ${r.period.to ?? '—'} (${r.period.candles.toLocaleString('en-US')} candles)`,
    ...statsLines('overall', r.stats),
    ...sides.flat(),
    `Sharpe: mean / standard deviation of per-signal % returns × √(closed signals per year).`,
    `Parameters: ${paramsLine(r.params)}`,
    `Speed: ${Math.round(rate).toLocaleString('en-US')} candles/s (read, parse and strategy).`,
  ].join('\n');
}

async function renderChart(path: string, r: BacktestResult, pair: string): Promise<void> {
  const { createChartRenderer } = await import('../charts/render.ts');
  const renderer = createChartRenderer({ workers: 0, cacheEntries: 0 });
  try {
    const chart = await renderer.render({
      kind: 'equity',
      points: r.equity.map((p) => ({ t: Date.parse(p.time), equity: p.equity })),
      currency: pair.split('/')[1] ?? '',
      label: `Bar Reaction 5M · backtest ${pair}`,
      paper: true,
    });
    await writeFile(path, chart.png);
  } finally {
    await renderer.close();
  }
}

/** The chart is written after the run: a folder that does not exist is said before it, not after. */
async function chartFolderExists(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  const found = await stat(folder).catch(() => null);
  if (!found?.isDirectory())
    throw new BacktestInputError(`--chart ${path}: the folder ${folder} does not exist`);
}

export async function runBacktestCommand(
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        file: { type: 'string' },
        pair: { type: 'string' },
        timeframe: { type: 'string', default: '5m' },
        json: { type: 'boolean', default: false },
        set: { type: 'string', multiple: true, default: [] },
        chart: { type: 'string' },
        exchange: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
      },
    });
    // BTC/USDT, btc/usdt and BTC-USDT (the API's spelling) name the same market.
    const pair = values.pair?.trim().toUpperCase().replace('-', '/');
    if (!pair) throw new BacktestInputError('--pair is required and looks like BTC/USDT');
    if (!/^[A-Z0-9]{2,10}\/[A-Z0-9]{2,10}$/.test(pair))
      throw new BacktestInputError(`--pair ${values.pair}: write the market like BTC/USDT`);
    if (values.file && (values.since || values.until))
      throw new BacktestInputError(
        '--since and --until choose what --exchange downloads; a --file is run whole (trim the file instead)',
      );
    if (values.chart) await chartFolderExists(values.chart);
    if (!isTimeframe(values.timeframe))
      throw new BacktestInputError(`--timeframe ${values.timeframe}: not a timeframe`);
    const tf: Timeframe = values.timeframe;
    const overrides = parseSet(values.set);
    const started = performance.now();
    let candles: ParsedCandles;
    let source: string;
    if (values.file) {
      let buf: Uint8Array;
      try {
        buf = readCandleBytes(values.file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new BacktestInputError(
          code === 'ENOENT' ? `${values.file}: no such file` : `${values.file}: cannot be read (${code})`,
        );
      }
      candles = parseCandleFile(buf, values.file);
      source = values.exchange ?? 'backtest';
    } else if (values.exchange) {
      if (!values.since)
        throw new BacktestInputError('--since is required with --exchange (e.g. --since 2024-01-01)');
      const since = parseDay('--since', values.since);
      const until = values.until ? parseDay('--until', values.until) : undefined;
      if (until !== undefined && until <= since)
        throw new BacktestInputError('--until must be after --since');
      const config = loadConfig(env);
      candles = await downloadCandles({
        exchange: values.exchange,
        pair,
        timeframe: tf,
        since,
        until,
        cacheDir: config.BACKTEST_CACHE_DIR,
        apiBase: config.EXCHANGE_API_BASE,
        throttle: config.EXCHANGE_THROTTLE,
        timeoutMs: config.EXCHANGE_TIMEOUT_MS,
        progress: (msg) => io.err(`${msg}\n`),
      });
      if (candles.length === 0)
        throw new BacktestInputError(`${values.exchange} returned no ${pair} candles in that range`);
      source = values.exchange;
    } else {
      throw new BacktestInputError('give --file F, or --exchange ID with --since');
    }
    const params = resolveParams({ priceDecimals: candles.priceDecimals }, overrides);
    const total = candles.length;
    const result = runBacktest(
      candles,
      params,
      { exchange: source, pair, mode: 'paper', timeframe: tf },
      {
        timeframeMs: timeframeMs(tf),
        ...(total >= PROGRESS_FROM
          ? {
              progressEvery: Math.max(100_000, Math.floor(total / 10)),
              onProgress: (done: number) =>
                io.err(
                  `backtest: ${Math.round((done / total) * 100)} % (${done.toLocaleString('en-US')} candles)\n`,
                ),
            }
          : {}),
      },
    );
    const rate = total / ((performance.now() - started) / 1000);
    if (values.chart) await renderChart(values.chart, result, pair);
    if (values.json) {
      io.out(
        `${JSON.stringify({ params: result.params, period: result.period, signals: result.signals, stats: result.stats, equity: result.equity })}\n`,
      );
    } else {
      io.out(`${summary(result, pair, tf, rate)}\n${values.chart ? `Equity chart: ${values.chart}\n` : ''}`);
    }
    // main.ts exits right after: let a large JSON document reach a piped stdout first.
    await new Promise<void>((resolve) =>
      process.stdout.writableLength ? process.stdout.write('', () => resolve()) : resolve(),
    );
    return 0;
  } catch (err) {
    if (err instanceof BacktestInputError || err instanceof BadCandleFile) {
      io.err(`backtest: ${err.message}\n`);
      return 2;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`backtest: ${(err as Error).message}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`backtest: ${err.problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}\n`);
      return 2;
    }
    if (isAppError(err) && (err.code === 'ERR_VALIDATION' || err.code === 'ERR_UNKNOWN_SYMBOL')) {
      io.err(`backtest: ${err.message}\n`);
      return 2;
    }
    io.err(`backtest failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
