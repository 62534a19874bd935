/**
 * Order and alert events (the trading core's stream) → Discord: the proposal card of the order is
 * edited as it progresses (queued, submitted, filled...), and what the owner must know (fills,
 * rejections, failures, triggers, alerts) goes to their DM. Only events of orders placed from Discord.
 * The stream position is kept in Redis, so a restart resumes where it stopped and loses nothing.
 */
import type { APIEmbed } from 'discord.js';
import { z } from 'zod';
import type { Logger } from '../../core/logger.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import type { DiscordDeps } from './deps.ts';
import { escapeDiscord } from './markdown.ts';
import type { ProposalCards } from './proposals.ts';
import { COLORS, type DiscordMessage } from './render.ts';
import type { DiscordSender } from './sender.ts';

const str = z.string();
const OrderEvent = z.object({
  type: z.enum([
    'order.queued',
    'order.submitted',
    'order.triggered',
    'order.filled',
    'order.partially_filled',
    'order.rejected',
    'order.failed',
    'order.cancelled',
    'order.expired',
  ]),
  orderId: str,
  userId: str,
  platform: str,
  mode: z.enum(['paper', 'live']),
  symbol: str,
  side: z.enum(['buy', 'sell']),
  amount: str,
  price: str.optional(),
  filledAmount: str.optional(),
  avgPrice: str.optional(),
  fee: str.optional(),
  feeCurrency: str.optional(),
  message: str.optional(),
});
const AlertEvent = z.object({
  type: z.literal('alert.triggered'),
  userId: str,
  platform: str,
  symbol: str,
  direction: z.enum(['above', 'below']),
  level: str,
  price: str,
  note: str.nullish(),
});
export const EventSchema = z.discriminatedUnion('type', [OrderEvent, AlertEvent]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type NotifiedEvent = z.infer<typeof EventSchema>;

/** Events worth a DM; the rest only move the card along. */
const DM_EVENTS = new Set<NotifiedEvent['type']>([
  'order.filled',
  'order.partially_filled',
  'order.rejected',
  'order.failed',
  'order.triggered',
  'order.expired',
  'alert.triggered',
]);

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
  if (e.filledAmount && e.avgPrice) lines.push(`${trim(e.filledAmount)} @ ${trim(e.avgPrice)}`);
  if (e.fee && e.feeCurrency) lines.push(`Fee ${trim(e.fee)} ${escapeDiscord(e.feeCurrency)}`);
  if (e.price) lines.push(`Price ${trim(e.price)}`);
  if (e.message) lines.push(escapeDiscord(e.message));
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
  readonly deps: Pick<DiscordDeps, 'orderEvents'> & {
    discordAccountOf(userId: string): Promise<string | undefined>;
  };
  readonly sender: DiscordSender;
  readonly cards: ProposalCards;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  readonly blockMs?: number;
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
  if (!DM_EVENTS.has(e.type)) return;
  const discordId = await o.deps.discordAccountOf(e.userId);
  if (discordId) await o.sender.sendDirect(discordId, message);
}

/** Reads the stream until `stop()`; each event is handled once, in order, and the cursor saved after it. */
export function startNotifier(o: NotifierOptions): { stop(): Promise<void> } {
  const read = o.deps.orderEvents;
  if (!read) return { stop: async () => {} };
  const cursorKey = o.keys.key('discord', 'events', 'cursor');
  let running = true;
  // Stream ids start with their time in ms: a first start takes what happens from now on. Taken
  // before returning, so nothing published after the bot started can slip past.
  const startedAt = `${Date.now()}-0`;
  const loop = (async () => {
    let cursor = (await o.redis.get(cursorKey)) ?? startedAt;
    while (running) {
      try {
        const batch = await read(cursor, { count: 50, blockMs: o.blockMs ?? 1_000 });
        for (const { id, event } of batch) {
          const parsed = EventSchema.safeParse(event);
          if (parsed.success) {
            await deliverEvent(parsed.data, o).catch((err: unknown) =>
              o.logger.error({ err, eventId: id }, 'discord: notification failed'),
            );
          }
          cursor = id;
          await o.redis.set(cursorKey, cursor);
        }
      } catch (err) {
        if (!running) break;
        o.logger.error({ err }, 'discord: reading order events failed');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
