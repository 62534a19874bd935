/**
 * What the trading core tells an order's or an alert's owner after the fact, as chat text. Every adapter
 * (console, Telegram, Discord) renders these same sentences. Event types and when they are worth a
 * message of their own:
 *   alert.triggered          yes: the alert the user set has fired
 *   order.triggered          yes: a conditional order's price was crossed; it is being executed
 *   order.filled             yes: the trade happened (amount, average price, fee)
 *   order.partially_filled   yes
 *   order.rejected/failed    yes: nothing (more) was traded, and why
 *   order.queued/submitted   no: progress the card can show
 *   order.cancelled          no: the owner did it
 *   order.expired            when the owner had confirmed it (it says why); not for a proposal left to lapse
 * The decision is core/broadcast's OWNER_DM table (`toldToOwner`), the same for every adapter.
 */
import { toldToOwner } from '../../broadcast/order-events.ts';
import type { OrderEventMessage } from '../../trading/order-events.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import { formatAmount, formatMoney, formatPrice } from './numbers.ts';

export interface EventNotice {
  readonly userId: string;
  /** Markdown subset. */
  readonly markdown: string;
  /** Worth a message of its own (see the table above); otherwise only a progress line. */
  readonly notify: boolean;
}

const PAST = { buy: 'Bought', sell: 'Sold' } as const;
const baseOf = (symbol: string) => symbol.split('/')[0] ?? symbol;
const quoteOf = (symbol: string) => symbol.split('/')[1] ?? '';

export function eventNotice(e: OrderEventMessage): EventNotice {
  return { userId: e.userId, notify: toldToOwner(e), markdown: markdownOf(e) };
}

function markdownOf(e: OrderEventMessage): string {
  if (e.type === 'alert.triggered') {
    const note = e.note ? `\n${esc(e.note)}` : '';
    return `🔔 **Alert:** ${esc(e.symbol)} is ${e.direction} ${formatPrice(e.level, e.symbol)} ${esc(quoteOf(e.symbol))} (now ${formatPrice(e.price, e.symbol)}).${note}`;
  }
  const q = esc(quoteOf(e.symbol));
  const paper = e.mode === 'paper' ? ' (paper)' : '';
  const ref = `\`${e.orderId.slice(0, 8)}\``;
  const what = `${e.side} ${formatAmount(e.amount)} ${esc(baseOf(e.symbol))}`;
  switch (e.type) {
    case 'order.triggered':
      return `🎯 **Triggered** ${ref}: ${esc(e.symbol)} reached ${formatPrice(e.price, e.symbol)} ${q}; executing your ${what}${paper}.`;
    case 'order.filled':
    case 'order.partially_filled': {
      const how = e.type === 'order.filled' ? '✅ **Filled**' : '◐ **Partly filled**';
      const fee =
        e.feeCurrency === quoteOf(e.symbol)
          ? formatMoney(e.fee, esc(e.feeCurrency))
          : `${formatAmount(e.fee)} ${esc(e.feeCurrency)}`;
      return `${how} ${ref}: ${PAST[e.side]} ${formatAmount(e.filledAmount)} ${esc(baseOf(e.symbol))} at ${formatPrice(e.avgPrice, e.symbol)} ${q}, fee ${fee}${paper}.`;
    }
    case 'order.rejected':
    case 'order.failed':
      return `❌ **Not executed** ${ref}: ${what}${paper}. ${esc(e.message)}`;
    case 'order.queued':
      return `Queued ${ref}: ${what}${paper}.`;
    case 'order.submitted':
      return `Sent to the exchange ${ref}: ${what}${paper}.`;
    case 'order.cancelled':
      return `Cancelled ${ref}: ${what}${paper}.`;
    case 'order.expired':
      return `Expired ${ref}: ${what}${paper}.${e.message ? ` ${esc(e.message)}` : ''}`;
  }
}
