/**
 * Portfolio and PnL views. Paper: balances from PaperBalance; live: the positions our own fills built
 * (exchange balances would need the user's keys, which only the execution path may open). Holdings are
 * valued at the last price when the venue lists the asset against the quote currency.
 */
import { AppError } from '../errors.ts';
import { Decimal, dec } from '../market/decimal.ts';
import type { TradingDeps } from './deps.ts';
import { openPaperAccount, paperBalances, paperQuote } from './paper-account.ts';
import type { Mode } from './views.ts';

export interface HoldingView {
  readonly asset: string;
  readonly quantity: string;
  /** Paper: part of the quantity held by resting orders. */
  readonly locked?: string;
  readonly avgEntry?: string;
  readonly price?: string;
  readonly value?: string;
  readonly unrealizedPnl?: string;
}

export interface PortfolioView {
  readonly mode: Mode;
  readonly quoteCurrency: string;
  /** Paper cash in the quote currency; unknown for live accounts. */
  readonly cash?: string;
  readonly holdings: readonly HoldingView[];
  /** Cash plus every priced holding. */
  readonly totalValue: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
}

export type PnlPeriod = 'day' | 'week' | 'month' | 'all';
/** Any window that starts at `since` ("ytd", "since monday"), named by `label` in replies. */
export interface PnlWindow {
  readonly since: Date;
  readonly label: string;
}

export interface PnlView {
  readonly mode: Mode;
  readonly period: PnlPeriod | PnlWindow;
  readonly quoteCurrency: string;
  readonly realized: string;
  readonly unrealized: string;
  /** Fees paid in the period, in the quote currency (included in `realized`). */
  readonly fees: string;
  readonly trades: number;
}

const dbMode = (mode: Mode): 'LIVE' | 'PAPER' => (mode === 'live' ? 'LIVE' : 'PAPER');
const money = (d: Decimal) => d.toDecimalPlaces(8).toFixed();

/** The last price of `asset` in `quote`, when the venue lists that market and answers. */
async function priceOf(deps: TradingDeps, asset: string, quote: string): Promise<Decimal | undefined> {
  if (asset === quote) return new Decimal(1);
  const listed = (await deps.market.markets()).find((m) => m.base === asset && m.quote === quote && m.active);
  if (!listed) return undefined;
  try {
    return (await deps.market.ticker(listed.symbol)).last;
  } catch (err) {
    deps.logger.warn({ err, asset }, 'portfolio: no price');
    return undefined;
  }
}

/** Paper account value in `quote`: cash plus priced holdings. */
export async function paperEquity(deps: TradingDeps, userId: string, quote: string): Promise<Decimal> {
  let total = new Decimal(0);
  for (const b of await paperBalances(deps.db, userId)) {
    const qty = b.free.add(b.locked);
    if (qty.isZero()) continue;
    const price = await priceOf(deps, b.asset, quote);
    if (price) total = total.add(qty.mul(price));
  }
  return total;
}

export async function portfolio(deps: TradingDeps, userId: string, mode: Mode): Promise<PortfolioView> {
  const quote = await paperQuote(deps.market);
  if (mode === 'paper') await openPaperAccount(deps.db, userId, deps.config.PAPER_START_BALANCE, quote);
  const positions = await deps.db.position.findMany({ where: { userId, mode: dbMode(mode) } });
  const byAsset = new Map(positions.map((p) => [p.asset, p]));
  const rows =
    mode === 'paper'
      ? (await paperBalances(deps.db, userId)).map((b) => ({
          asset: b.asset,
          qty: b.free.add(b.locked),
          locked: b.locked,
        }))
      : positions.map((p) => ({ asset: p.asset, qty: dec(p.quantity), locked: undefined }));
  let total = new Decimal(0);
  let unrealized = new Decimal(0);
  let cash: Decimal | undefined;
  const holdings: HoldingView[] = [];
  for (const row of rows) {
    if (row.asset === quote) {
      cash = row.qty;
      total = total.add(row.qty);
      continue;
    }
    if (row.qty.isZero()) continue;
    const position = byAsset.get(row.asset);
    const price = await priceOf(deps, row.asset, quote);
    const avg = position ? dec(position.avgEntry) : undefined;
    const value = price?.mul(row.qty);
    const upnl =
      price && avg && position ? price.sub(avg).mul(Decimal.min(row.qty, dec(position.quantity))) : undefined;
    if (value) total = total.add(value);
    if (upnl) unrealized = unrealized.add(upnl);
    holdings.push({
      asset: row.asset,
      quantity: row.qty.toFixed(),
      locked: row.locked && !row.locked.isZero() ? row.locked.toFixed() : undefined,
      avgEntry: avg ? money(avg) : undefined,
      price: price?.toFixed(),
      value: value ? money(value) : undefined,
      unrealizedPnl: upnl ? money(upnl) : undefined,
    });
  }
  const realized = positions.reduce((sum, p) => sum.add(dec(p.realizedPnl)), new Decimal(0));
  return {
    mode,
    quoteCurrency: quote,
    cash: cash ? money(cash) : mode === 'paper' ? '0' : undefined,
    holdings,
    totalValue: money(total),
    realizedPnl: money(realized),
    unrealizedPnl: money(unrealized),
  };
}

const PERIOD_MS: Record<Exclude<PnlPeriod, 'all'>, number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

export async function pnl(
  deps: TradingDeps,
  userId: string,
  mode: Mode,
  period: PnlPeriod | PnlWindow,
): Promise<PnlView> {
  let since: Date | undefined;
  if (typeof period === 'object') {
    if (!(period.since instanceof Date) || Number.isNaN(period.since.getTime()))
      throw new AppError('ERR_VALIDATION', 'pnl window without a valid start');
    since = period.since;
  } else {
    if (!['day', 'week', 'month', 'all'].includes(period))
      throw new AppError('ERR_VALIDATION', `unknown period ${period}`);
    since = period === 'all' ? undefined : new Date(deps.now().getTime() - PERIOD_MS[period]);
  }
  const fills = await deps.db.fill.findMany({
    where: { order: { userId, mode: dbMode(mode) }, ...(since ? { at: { gte: since } } : {}) },
    include: { order: { select: { symbol: true } } },
  });
  let realized = new Decimal(0);
  let fees = new Decimal(0);
  for (const f of fills) {
    realized = realized.add(dec(f.realizedPnl));
    const quote = f.order.symbol.split('/')[1];
    fees = fees.add(f.feeCurrency === quote ? dec(f.fee) : dec(f.fee).mul(dec(f.price)));
  }
  const view = await portfolio(deps, userId, mode);
  return {
    mode,
    period,
    quoteCurrency: view.quoteCurrency,
    realized: money(realized),
    unrealized: view.unrealizedPnl,
    fees: money(fees),
    trades: fills.length,
  };
}
