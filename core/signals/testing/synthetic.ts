/** Candle series for tests and the bench: deterministic, realistic enough that signals fire and close. */
import type { CandleColumns } from '../backtest.ts';

/** Deterministic OHLC random walk (LCG) with volatility regimes, so signals fire and close. */
export function syntheticCandles(n: number, t0 = Date.UTC(2024, 0, 1)): CandleColumns & { v: Float64Array } {
  const cols = {
    length: n,
    t: new Float64Array(n),
    o: new Float64Array(n),
    h: new Float64Array(n),
    l: new Float64Array(n),
    c: new Float64Array(n),
    v: new Float64Array(n),
  };
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    return seed / 2 ** 32;
  };
  let price = 30_000;
  for (let i = 0; i < n; i++) {
    const vol = 0.0015 * (1 + Math.sin(i / 900));
    const o = price;
    const c = o * (1 + (rnd() - 0.5) * 2 * vol);
    const h = Math.max(o, c) * (1 + rnd() * vol * 0.3);
    const l = Math.min(o, c) * (1 - rnd() * vol * 0.3);
    cols.t[i] = t0 + i * 300_000;
    cols.o[i] = Math.round(o * 100) / 100;
    cols.c[i] = Math.round(c * 100) / 100;
    cols.h[i] = Math.max(Math.round(h * 100) / 100, cols.o[i]!, cols.c[i]!);
    cols.l[i] = Math.min(Math.round(l * 100) / 100, cols.o[i]!, cols.c[i]!);
    cols.v[i] = Math.round(rnd() * 1e4) / 100;
    price = c;
  }
  return cols;
}

/** The CSV `backtest` reads: `t,o,h,l,c,v` per line, t in ms. */
export function toCsv(c: CandleColumns & { v: Float64Array }): string {
  const lines: string[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) lines[i] = `${c.t[i]},${c.o[i]},${c.h[i]},${c.l[i]},${c.c[i]},${c.v[i]}`;
  return `${lines.join('\n')}\n`;
}
