/**
 * Human-readable replies for trading results, in the Markdown subset. Every value that came from
 * outside (symbols, error texts) is escaped, so it renders literally on every platform. Order states
 * are said in words ("resting at 90,000 — it fills when the price gets there"), never as a bare enum.
 */
import { escapeMarkdown as esc } from '../markdown.ts';
import type { AlertView, OrderView, Ticker } from '../ports.ts';
import { formatAmount, formatPercent, formatPrice } from './numbers.ts';

export { proposalCard } from './card.ts';
export { pnlText, portfolioText } from './portfolio.ts';

const SIDE = { buy: 'Buy', sell: 'Sell' } as const;
const MODE = { paper: 'paper', live: '**LIVE**' } as const;
const base = (symbol: string) => symbol.split('/')[0] ?? symbol;
const quote = (symbol: string) => symbol.split('/')[1] ?? '';

/** "**BTC/USDT** 64,824.81 USDT (-1.83% 24h) · sim market": the venue belongs on the price line. */
export function tickerLine(t: Ticker): string {
  const change = t.change24hPct === undefined ? '' : ` (${formatPercent(t.change24hPct)} 24h)`;
  return `**${esc(t.symbol)}** ${formatPrice(t.last, t.symbol)} ${esc(quote(t.symbol))}${change}`;
}

export function tickersText(tickers: readonly Ticker[]): string {
  const exchange = tickers[0]?.exchange;
  const venue = exchange ? `_${esc(exchange)} market_` : '';
  if (tickers.length === 1) return [tickerLine(tickers[0]!), venue].filter(Boolean).join(' · ');
  return [...tickers.map(tickerLine), venue].filter(Boolean).join('\n');
}

function triggerText(t: { direction: 'above' | 'below'; price: string | number }, symbol: string): string {
  return `${esc(base(symbol))} goes ${t.direction} ${formatPrice(t.price, symbol)}`;
}

/** The order's state in words a trader understands. */
export function stateWords(o: OrderView): string {
  const q = esc(quote(o.symbol));
  switch (o.status) {
    case 'PROPOSED':
      return 'waiting for your confirmation';
    case 'CONFIRMED':
      return o.trigger
        ? `waiting until ${triggerText(o.trigger, o.symbol)}`
        : 'confirmed, about to be queued';
    case 'QUEUED':
      return 'queued for execution';
    case 'SUBMITTED':
      if (o.cancelRequestedAt) return 'being cancelled at the exchange';
      return o.limitPrice
        ? `resting at ${formatPrice(o.limitPrice, o.symbol)} ${q} — it fills when the price gets there`
        : 'sent to the exchange, waiting for the fill';
    case 'PARTIALLY_FILLED':
      return `${o.cancelRequestedAt ? 'being cancelled at the exchange, ' : ''}partly filled: ${formatAmount(o.filledAmount)} of ${formatAmount(o.amount)}${o.avgFillPrice ? ` at ${formatPrice(o.avgFillPrice, o.symbol)} ${q}` : ''}`;
    case 'FILLED':
      return `filled${o.avgFillPrice ? ` at ${formatPrice(o.avgFillPrice, o.symbol)} ${q}` : ''}`;
    case 'REJECTED':
      return 'rejected';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'EXPIRED':
      return 'expired';
  }
}

export function orderLine(o: OrderView): string {
  const price = o.avgFillPrice
    ? ` @ ${formatPrice(o.avgFillPrice, o.symbol)}`
    : o.limitPrice
      ? ` limit ${formatPrice(o.limitPrice, o.symbol)}`
      : '';
  const trig = o.trigger ? `, when ${triggerText(o.trigger, o.symbol)}` : '';
  return `\`${o.id.slice(0, 8)}\` ${SIDE[o.side]} ${formatAmount(o.amount)} ${esc(base(o.symbol))}${price}${trig} · **${o.status}** (${stateWords(o)})`;
}

/** A live order open at the exchange that its owner asked to cancel: the worker does it there. */
export const beingCancelled = (o: OrderView) =>
  Boolean(o.cancelRequestedAt) && (o.status === 'SUBMITTED' || o.status === 'PARTIALLY_FILLED');

export const CANCEL_AT_EXCHANGE_NOTE =
  'It is open at the exchange, so the cancel goes there now; you get a message when the exchange has cancelled it, or if it filled first.';

export function confirmedText(o: OrderView): string {
  const when = o.trigger
    ? `It waits until ${triggerText(o.trigger, o.symbol)}; you get a message when it triggers and when it fills.`
    : o.limitPrice
      ? 'It goes to the exchange now; you get a message when it fills.'
      : 'It is on its way to the exchange; you get a message when it fills.';
  return `Confirmed (${MODE[o.mode]}): ${orderLine(o)}\n${when}`;
}

export function ordersText(orders: readonly OrderView[], open: boolean): string {
  if (!orders.length) return open ? 'You have no open orders.' : 'You have no orders yet.';
  return [`**${open ? 'Open orders' : 'Recent orders'}**`, ...orders.map((o) => `- ${orderLine(o)}`)].join(
    '\n',
  );
}

export function alertText(a: AlertView): string {
  return `Alert set: I will tell you once ${esc(a.symbol)} goes ${a.direction} ${formatPrice(a.price, a.symbol)} ${esc(quote(a.symbol))}. (\`${a.id.slice(0, 8)}\`)`;
}

export function alertsText(alerts: readonly AlertView[]): string {
  const active = alerts.filter((a) => a.status === 'ACTIVE');
  if (!active.length) return 'You have no active alerts. Set one with "alert btc above 70k".';
  return [
    '**Your alerts**',
    ...active.map(
      (a) =>
        `- \`${a.id.slice(0, 8)}\` ${esc(a.symbol)} ${a.direction} ${formatPrice(a.price, a.symbol)} ${esc(quote(a.symbol))}`,
    ),
    'Remove one with "cancel alert <id>".',
  ].join('\n');
}
