/**
 * Candles for `backtest --exchange`: fetched through ccxt in pages of up to 1,000, one UTC day at a
 * time, each finished day cached on disk as CSV (`<cache>/<exchange>/<PAIR>/<tf>/<day>.csv`) so a
 * second run over the same range asks the exchange for nothing. ccxt's rate limiter paces the calls.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CcxtMarketData } from '../core/market/ccxt-market.ts';
import { type Timeframe, timeframeMs } from '../core/market/types.ts';
import { type ParsedCandles, parseCandleFile } from './backtest-file.ts';

const DAY = 86_400_000;

export interface DownloadRequest {
  readonly exchange: string;
  readonly pair: string;
  readonly timeframe: Timeframe;
  readonly since: number;
  readonly until?: number;
  readonly cacheDir: string;
  readonly apiBase?: string;
  readonly throttle?: boolean;
  readonly timeoutMs?: number;
  readonly progress?: (message: string) => void;
}

export async function downloadCandles(req: DownloadRequest): Promise<ParsedCandles> {
  const tf = timeframeMs(req.timeframe);
  const until = req.until ?? Date.now();
  const market = new CcxtMarketData(req.exchange, {
    apiBase: req.apiBase,
    throttle: req.throttle ?? true,
    timeoutMs: req.timeoutMs ?? 10_000,
  });
  const dir = join(req.cacheDir, req.exchange, req.pair.replace('/', '-'), req.timeframe);
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  let fetchedDays = 0;
  try {
    for (let day = Math.floor(req.since / DAY) * DAY; day < until; day += DAY) {
      const file = join(dir, `${new Date(day).toISOString().slice(0, 10)}.csv`);
      let text: string | undefined;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        const rows: string[] = [];
        for (let since = day; since < day + DAY && since < until; ) {
          const page = await market.candles(req.pair, req.timeframe, { since, limit: 1000 });
          const inDay = page.filter((c) => c.t >= since && c.t < day + DAY && c.t + tf <= Date.now());
          for (const c of inDay) rows.push(`${c.t},${c.o},${c.h},${c.l},${c.c},${c.v}`);
          if (!inDay.length) break;
          since = inDay[inDay.length - 1]!.t + tf;
        }
        text = rows.length ? `${rows.join('\n')}\n` : '';
        // Only a day that is over is final; write it atomically so a crash never leaves half a day.
        if (day + DAY <= Date.now()) {
          await writeFile(`${file}.tmp`, text);
          await rename(`${file}.tmp`, file);
        }
        fetchedDays++;
        if (fetchedDays % 30 === 0) req.progress?.(`backtest: fetched ${fetchedDays} days of ${req.pair}`);
      }
      for (const line of text.split('\n')) {
        if (!line) continue;
        const t = Number(line.slice(0, line.indexOf(',')));
        if (t >= req.since && t < until) lines.push(line);
      }
    }
  } finally {
    await market.close();
  }
  if (!lines.length) return empty();
  return parseCandleFile(Buffer.from(`${lines.join('\n')}\n`), `${req.exchange} ${req.pair}`);
}

function empty(): ParsedCandles {
  const z = new Float64Array(0);
  return { length: 0, t: z, o: z, h: z, l: z, c: z, v: z, priceDecimals: 0 };
}
