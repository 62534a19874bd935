/**
 * Human-readable replies for trading results, in the Markdown subset. Every value that came from
 * outside (symbols, error texts) is escaped, so it renders literally on every platform.
 */
import { escapeMarkdown as esc } from '../markdown.ts';
import type { AlertView, OrderView, PnlReport, Portfolio, Proposal, Ticker } from '../ports.ts';
import { formatAmount, formatMoney, formatPercent, formatPrice, formatSignedMoney } from './numbers.ts';

const SIDE = { buy: 'Buy', sell: 'Sell' } as const;
const MODE = { paper: 'paper', live: '**LIVE**' } as const;
const base = (symbol: string) => symbol.split('/')[0] ?? symbol;
const quote = (symbol: string) => symbol.split('/')[1] ?? '';

export function tickerLine(t: Ticker): string {
  const change = t.change24hPct === undefined ? '' : ` (${formatPercent(t.change24hPct)} 24h)`;
  return `**${esc(t.symbol)}** ${formatPrice(t.last)} ${esc(quote(t.symbol))}${change}`;
}

export function tickersText(tickers: readonly Ticker[]): string {
  const exchange = tickers[0]?.exchange;
  return [...tickers.map(tickerLine), exchange ? `_${esc(exchange)}_` : ''].filter(Boolean).join('\n');
}

function triggerText(t: { direction: 'above' | 'below'; price: string | number }, symbol: string): string {
  return `${esc(base(symbol))} goes ${t.direction} ${formatPrice(t.price)}`;
}

/** The confirmation card. Built by the core from the trading core's numbers, never from model text. */
export function proposalCard(p: Proposal, now = new Date()): string {
  const what = `${SIDE[p.side]} **${formatAmount(p.amount)} ${esc(base(p.symbol))}** on ${esc(p.symbol)}`;
  const secs = Math.max(0, Math.round((p.expiresAt.getTime() - now.getTime()) / 1000));
  const lines = [
    `**Confirm this order?** (${MODE[p.mode]}, ${esc(p.exchange)})`,
    `${what} · ${p.type === 'limit' && p.limitPrice ? `limit ${formatPrice(p.limitPrice)}` : 'market'}`,
    p.trigger ? `Waits until ${triggerText(p.trigger, p.symbol)}` : '',
    `Price ≈ ${formatPrice(p.quotedPrice)} ${esc(p.quoteCurrency)} · total ≈ ${formatMoney(p.notional, esc(p.quoteCurrency))} · fee ≈ ${formatMoney(p.estimatedFee, esc(p.quoteCurrency))}`,
    ...p.riskNotes.map((n) => `_${esc(n)}_`),
    `Order \`${p.orderId.slice(0, 8)}\` · expires in ${secs >= 120 ? `${Math.round(secs / 60)} min` : `${secs} s`}. Only you can confirm it.`,
  ];
  return lines.filter(Boolean).join('\n');
}

export function orderLine(o: OrderView): string {
  const price = o.avgFillPrice
    ? ` @ ${formatPrice(o.avgFillPrice)}`
    : o.limitPrice
      ? ` limit ${formatPrice(o.limitPrice)}`
      : '';
  const trig = o.trigger ? `, when ${triggerText(o.trigger, o.symbol)}` : '';
  return `\`${o.id.slice(0, 8)}\` ${SIDE[o.side]} ${formatAmount(o.amount)} ${esc(base(o.symbol))}${price}${trig} · **${o.status}**`;
}

export function confirmedText(o: OrderView): string {
  const when = o.trigger
    ? `It waits until ${triggerText(o.trigger, o.symbol)}.`
    : 'It is on its way to the exchange; you get a message when it fills.';
  return `Confirmed (${MODE[o.mode]}): ${orderLine(o)}\n${when}`;
}

export function ordersText(orders: readonly OrderView[], open: boolean): string {
  if (!orders.length) return open ? 'You have no open orders.' : 'You have no orders yet.';
  return [`**${open ? 'Open orders' : 'Recent orders'}**`, ...orders.map((o) => `- ${orderLine(o)}`)].join(
    '\n',
  );
}

export function portfolioText(p: Portfolio, asset?: string): string {
  const holdings = asset ? p.holdings.filter((h) => h.asset === asset) : p.holdings;
  if (!holdings.length)
    return asset ? `You hold no ${esc(asset)} (${MODE[p.mode]}).` : `Your ${MODE[p.mode]} account is empty.`;
  const rows = holdings.map(
    (h) =>
      `| ${esc(h.asset)} | ${formatAmount(h.quantity)} | ${h.value === undefined ? '–' : formatMoney(h.value, esc(p.quoteCurrency))} |`,
  );
  return [
    `**Portfolio** (${MODE[p.mode]}) · total ${formatMoney(p.totalValue, esc(p.quoteCurrency))}`,
    '',
    '| Asset | Amount | Value |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}

const PERIOD = { day: 'today', week: 'this week', month: 'this month', all: 'since the start' } as const;

export function pnlText(r: PnlReport): string {
  const total = Number(r.realized) + Number(r.unrealized);
  return [
    `**PnL ${PERIOD[r.period]}** (${MODE[r.mode]}): ${formatSignedMoney(total, esc(r.quoteCurrency))}`,
    `- realized ${formatSignedMoney(r.realized, esc(r.quoteCurrency))}`,
    `- unrealized ${formatSignedMoney(r.unrealized, esc(r.quoteCurrency))}`,
    `- fees ${formatMoney(r.fees, esc(r.quoteCurrency))} over ${r.trades} trade${r.trades === 1 ? '' : 's'}`,
  ].join('\n');
}

export function alertText(a: AlertView): string {
  return `Alert set: I will tell you once ${esc(a.symbol)} goes ${a.direction} ${formatPrice(a.price)}. (\`${a.id.slice(0, 8)}\`)`;
}
