/**
 * Order, trigger and alert notifications from the trading core's event stream to the owner's Telegram
 * DM, and the owner's proposal card edited as the order progresses. Events come validated through the
 * core's feed (consumer group `notify:telegram`: one bot process handles each event); only events of
 * orders placed from Telegram are ours; which of them reach the DM is the core's OWNER_DM table.
 */

import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { text } from '../../core/agent/reply.ts';
import { type OrderEvent, type OrderEventFeed, toldToOwner } from '../../core/broadcast/order-events.ts';
import { groupThousands, trimZeros } from '../../core/format/numbers.ts';
import type { Logger } from '../../core/logger.ts';
import type { CardStore } from './cards.ts';
import type { TelegramDeps } from './deps.ts';
import { EXPIRED_LINE } from './features/buttons.ts';
import { type TelegramSender, toFailure } from './send.ts';

export type NotifiableEvent = OrderEvent;

/** "0.010000" → "0.01", "64000.50" → "64,000.5" (core/format/numbers.ts). */
const num = (value: string): string => groupThousands(trimZeros(value));

const past = { buy: 'Bought', sell: 'Sold' } as const;

/** The progress line for the card and, where the core's OWNER_DM table says so, the DM notification. */
export function describe(e: NotifiableEvent): { line: string; dm: boolean } {
  return { line: lineOf(e), dm: toldToOwner(e) };
}

function lineOf(e: NotifiableEvent): string {
  if (e.type === 'alert.triggered') {
    const note = e.note ? `\n${escapeMarkdown(e.note)}` : '';
    return `🔔 **Alert:** ${escapeMarkdown(e.symbol)} is ${e.direction} ${num(e.level)} (now ${num(e.price)})${note}`;
  }
  const what = `${e.side} ${num(e.amount)} ${escapeMarkdown(e.symbol)}${e.mode === 'paper' ? ' (paper)' : ''}`;
  switch (e.type) {
    case 'order.queued':
      return `⏳ Queued: ${what}`;
    case 'order.submitted':
      return `📨 Sent to the exchange: ${what}`;
    case 'order.triggered':
      return `🎯 **Triggered** at ${num(e.price)}: ${what}`;
    case 'order.filled':
    case 'order.partially_filled': {
      const base = e.symbol.split('/')[0] ?? '';
      const how = e.type === 'order.filled' ? '✅ **Filled:**' : '◐ **Partially filled:**';
      return (
        `${how} ${past[e.side]} ${num(e.filledAmount)} ${escapeMarkdown(base)} at ${num(e.avgPrice)}, ` +
        `fee ${num(e.fee)} ${escapeMarkdown(e.feeCurrency)}${e.mode === 'paper' ? ' (paper)' : ''}`
      );
    }
    case 'order.rejected':
    case 'order.failed':
      return `❌ **Not executed:** ${what}. ${escapeMarkdown(e.message)}`;
    // The owner cancelled it: the card says so, a DM would only be noise.
    case 'order.cancelled':
      return `✖️ Cancelled: ${what}`;
    // A confirmed order that ended unexecuted says why (and is DMed); a lapsed proposal does not.
    case 'order.expired':
      return e.message ? `⌛ **Expired:** ${what}. ${escapeMarkdown(e.message)}` : EXPIRED_LINE;
  }
}

export interface Notifier {
  stop(): Promise<void>;
}

export async function startNotifier(deps: {
  readonly feed: OrderEventFeed;
  readonly accountOf: TelegramDeps['telegramAccountOf'];
  readonly sender: TelegramSender;
  readonly cards: CardStore;
  readonly logger: Logger;
}): Promise<Notifier> {
  async function deliver(e: NotifiableEvent): Promise<void> {
    if (e.platform !== 'telegram') return;
    const { line, dm } = describe(e);
    if (e.type !== 'alert.triggered') await deps.cards.progressByOrder(e.orderId, line);
    if (!dm) return;
    // The owner's DM: their Telegram account; failing that, the chat the order came from if it was a DM.
    const account =
      (await deps.accountOf?.(e.userId)) ?? (e.chatId && !e.chatId.startsWith('-') ? e.chatId : undefined);
    if (!account) {
      deps.logger.warn({ userId: e.userId, type: e.type }, 'no Telegram DM known for a notification');
      return;
    }
    // A refusal for now (429 past the outbox's retries, 5xx) is the feed's to retry; the card above
    // does not change twice (an edit that repeats the card's last line is skipped).
    await deps.sender.send(account, [text(line)]).catch((err: unknown) => {
      throw toFailure(err);
    });
  }
  return deps.feed.consume('notify:telegram', deliver);
}
