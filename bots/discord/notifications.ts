/**
 * Order and alert events (the trading core's stream) → Discord: the proposal card of the order is
 * edited as it progresses (queued, submitted, filled...), and what the core's OWNER_DM table marks
 * (fills, rejections, failures, triggers, alerts) goes to the owner's DM. Only events of orders placed
 * from Discord. Events come through the core's feed (consumer group `notify:discord`), so each is
 * handled by one bot process, however many run.
 */
import type { APIEmbed } from 'discord.js';
import {
  type OrderEvent as CoreOrderEvent,
  type OrderEventFeed,
  type OrderLifecycleEvent,
  toldToOwner,
} from '../../core/broadcast/order-events.ts';
import type { Logger } from '../../core/logger.ts';
import { escapeDiscord } from './markdown.ts';
import type { ProposalCards } from './proposals.ts';
import { COLORS, type DiscordMessage } from './render.ts';
import { type DiscordSender, toFailure } from './sender.ts';

export type OrderEvent = OrderLifecycleEvent;
export type NotifiedEvent = CoreOrderEvent;

const HEADLINE: Record<OrderEvent['type'], string> = {
  'order.queued': '⏳ Confirmed, queued for execution',
  'order.submitted': '📨 Submitted to the exchange',
  'order.triggered': '🎯 Trigger price reached, executing',
  'order.filled': '✅ Filled',
  'order.partially_filled': '◐ Partially filled',
  'order.rejected': '⛔ Rejected',
  'order.failed': '⚠️ Failed',
  'order.cancelled': '✖ Cancelled',
  'order.expired': '⌛ Expired',
};

const trim = (d: string) => (d.includes('.') ? d.replace(/\.?0+$/, '') : d);

export function orderEventEmbed(e: OrderEvent): APIEmbed {
  const ended = ['order.rejected', 'order.failed', 'order.cancelled', 'order.expired'].includes(e.type);
  const lines = [`**${HEADLINE[e.type]}**`];
  if (e.type === 'order.filled' || e.type === 'order.partially_filled') {
    lines.push(`${trim(e.filledAmount)} @ ${trim(e.avgPrice)}`);
    lines.push(`Fee ${trim(e.fee)} ${escapeDiscord(e.feeCurrency)}`);
  }
  if (e.type === 'order.triggered') lines.push(`Price ${trim(e.price)}`);
  if (e.type === 'order.rejected' || e.type === 'order.failed') lines.push(escapeDiscord(e.message));
  if (e.type === 'order.expired' && e.message) lines.push(escapeDiscord(e.message));
  return {
    title: `${e.side.toUpperCase()} ${trim(e.amount)} ${e.symbol}${e.mode === 'paper' ? ' · paper' : ''}`,
    description: lines.join('\n'),
    color: ended
      ? COLORS.muted
      : e.type === 'order.queued' || e.type === 'order.submitted'
        ? COLORS.pending
        : e.side === 'buy'
          ? COLORS.up
          : COLORS.down,
    footer: { text: `Order ${e.orderId.slice(0, 8)}` },
  };
}

export function notificationMessage(e: NotifiedEvent): DiscordMessage {
  if (e.type !== 'alert.triggered') return { embeds: [orderEventEmbed(e)], files: [], components: [] };
  return {
    embeds: [
      {
        title: `🔔 ${e.symbol} is ${e.direction} ${trim(e.level)}`,
        description: [`Price ${trim(e.price)}`, ...(e.note ? [escapeDiscord(e.note)] : [])].join('\n'),
        color: e.direction === 'above' ? COLORS.up : COLORS.down,
      },
    ],
    files: [],
    components: [],
  };
}

export interface NotifierOptions {
  readonly deps: { discordAccountOf(userId: string): Promise<string | undefined> };
  readonly sender: DiscordSender;
  readonly cards: ProposalCards;
  readonly logger: Logger;
}

export async function deliverEvent(e: NotifiedEvent, o: NotifierOptions): Promise<void> {
  if (e.platform !== 'discord') return;
  const message = notificationMessage(e);
  if (e.type !== 'alert.triggered') {
    const card = await o.cards.where(e.orderId);
    if (card)
      await o.sender.edit(card, { ...message, components: [] }).catch((err: unknown) => {
        o.logger.warn({ err, orderId: e.orderId }, 'discord: could not edit the order card');
      });
  }
  if (!toldToOwner(e)) return;
  const discordId = await o.deps.discordAccountOf(e.userId);
  // A refusal for now (429, 5xx) is the feed's to retry; the card edit above is the same edit again.
  if (discordId)
    await o.sender.sendDirect(discordId, message).catch((err: unknown) => {
      throw toFailure(err, `DM to ${discordId}`);
    });
}

/** Handles every event of the feed meant for Discord until `stop()`. */
export function startNotifier(feed: OrderEventFeed, o: NotifierOptions): Promise<{ stop(): Promise<void> }> {
  return feed.consume('notify:discord', (e) => deliverEvent(e, o));
}
