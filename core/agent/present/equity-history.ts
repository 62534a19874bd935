/**
 * The account's equity over time, rebuilt from what is known exactly: today's holdings (cash included)
 * and the fills that led there. Walking back from now, each fill is undone (a buy gives back its cost
 * and fee, a sell takes back its proceeds), and the holdings of each moment are valued at that moment's
 * candle closes. So the last point is the portfolio's total today, and no starting balance is assumed.
 */
import { Decimal, dec } from '../../market/decimal.ts';
import type { FillView } from '../ports.ts';

export interface PriceSeries {
  /** Candle open times (ms), ascending, with their closes in the account's quote currency. */
  readonly t: readonly number[];
  readonly close: readonly number[];
}

export interface EquityInput {
  /** The account's quote currency: valued at 1. */
  readonly quote: string;
  /** Quantities now, per asset, cash included. */
  readonly holdings: Readonly<Record<string, string>>;
  /** Oldest first. */
  readonly fills: readonly FillView[];
  /** Per asset, its price history in `quote`. */
  readonly prices: Readonly<Record<string, PriceSeries>>;
  /** Per asset, the price now (the portfolio's): the last point and any asset without history. */
  readonly current: Readonly<Record<string, number>>;
  /** Times to value the account at, ascending; the last is "now". */
  readonly grid: readonly number[];
}

/** Close of the last candle that opened at or before `t`; undefined before the first. */
function priceAt(series: PriceSeries | undefined, t: number): number | undefined {
  if (!series?.t.length) return undefined;
  let lo = 0;
  let hi = series.t.length - 1;
  if (t < series.t[0]!) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (series.t[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return series.close[lo];
}

function undo(q: Map<string, Decimal>, f: FillView): void {
  const [base = '', quote = ''] = f.symbol.split('/');
  const add = (asset: string, v: Decimal) => q.set(asset, (q.get(asset) ?? new Decimal(0)).add(v));
  const amount = dec(f.amount);
  const notional = amount.mul(dec(f.price));
  // Before a buy: less base, more quote (its cost); before a sell: the reverse. The fee was taken too.
  if (f.side === 'buy') {
    add(base, amount.neg());
    add(quote, notional);
  } else {
    add(base, amount);
    add(quote, notional.neg());
  }
  add(f.feeCurrency, dec(f.fee));
}

export function equityHistory(input: EquityInput): { t: number; equity: number }[] {
  const q = new Map(Object.entries(input.holdings).map(([a, v]) => [a, dec(v)]));
  const fills = [...input.fills];
  const last = input.grid.length - 1;
  const points: { t: number; equity: number }[] = [];
  for (let i = last; i >= 0; i--) {
    const t = input.grid[i]!;
    while (fills.length && fills[fills.length - 1]!.at.getTime() > t) undo(q, fills.pop()!);
    let equity = 0;
    for (const [asset, qty] of q) {
      if (qty.isZero()) continue;
      const price =
        asset === input.quote
          ? 1
          : i === last
            ? input.current[asset]
            : (priceAt(input.prices[asset], t) ?? input.current[asset]);
      if (price !== undefined) equity += qty.toNumber() * price;
    }
    points.push({ t, equity: Number(equity.toFixed(8)) });
  }
  return points.reverse();
}

/** The candle size that draws `span` ms in at most about 200 points. */
export function equityTimeframe(span: number): '1m' | '5m' | '15m' | '1h' | '4h' | '1d' {
  const options = [
    ['1m', 60_000],
    ['5m', 300_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
  ] as const;
  return (options.find(([, ms]) => span / ms <= 200) ?? options[options.length - 1]!)[0];
}
