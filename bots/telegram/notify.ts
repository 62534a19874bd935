/**
 * Order, trigger and alert notifications from the trading core's event stream to the owner's Telegram
 * DM, and the owner's proposal card edited as the order progresses. Events are validated (they cross a
 * process boundary through Redis); only events of orders placed from Telegram are ours. The stream
 * position is kept in Redis after each event, so a restart resumes where it stopped: an event may be
 * told twice after a crash, never skipped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { text } from '../../core/agent/reply.ts';
import type { Logger } from '../../core/logger.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import type { CardStore } from './cards.ts';
import type { TelegramDeps } from './deps.ts';
import { EXPIRED_LINE } from './features/buttons.ts';
import type { TelegramSender } from './send.ts';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const orderBase = {
  orderId: z.string(),
  userId: z.string(),
  platform: z.string(),
  chatId: z.string().nullable(),
  mode: z.enum(['paper', 'live']),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  amount: decimal,
};

const EventSchema = z.discriminatedUnion('type', [
  z.object({
    ...orderBase,
    type: z.enum(['order.queued', 'order.submitted', 'order.cancelled', 'order.expired']),
  }),
  z.object({ ...orderBase, type: z.literal('order.triggered'), price: decimal }),
  z.object({
    ...orderBase,
    type: z.enum(['order.filled', 'order.partially_filled']),
    filledAmount: decimal,
    avgPrice: decimal,
    fee: decimal,
    feeCurrency: z.string(),
  }),
  z.object({ ...orderBase, type: z.enum(['order.rejected', 'order.failed']), message: z.string() }),
  z.object({
    type: z.literal('alert.triggered'),
    userId: z.string(),
    platform: z.string(),
    chatId: z.string().nullable(),
    symbol: z.string(),
    direction: z.enum(['above', 'below']),
    level: decimal,
    price: decimal,
    note: z.string().nullable(),
  }),
]);

export type NotifiableEvent = z.infer<typeof EventSchema>;

/** "0.010000" → "0.01", "64000.50" → "64,000.5" */
function num(value: string): string {
  const [int = '0', frac = ''] = value.split('.');
  const trimmed = frac.replace(/0+$/, '');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return trimmed ? `${grouped}.${trimmed}` : grouped;
}

const past = { buy: 'Bought', sell: 'Sold' } as const;

/**
 * The progress line for the card and, for `dm`, the DM notification. Queued, submitted, cancelled and
 * expired only update the card; fills, failures, triggers and alerts also notify (what the owner waits for).
 */
export function describe(e: NotifiableEvent): { line: string; dm: boolean } {
  if (e.type === 'alert.triggered') {
    const note = e.note ? `\n${escapeMarkdown(e.note)}` : '';
    return {
      line: `🔔 **Alert:** ${escapeMarkdown(e.symbol)} is ${e.direction} ${num(e.level)} (now ${num(e.price)})${note}`,
      dm: true,
    };
  }
  const what = `${e.side} ${num(e.amount)} ${escapeMarkdown(e.symbol)}${e.mode === 'paper' ? ' (paper)' : ''}`;
  switch (e.type) {
    case 'order.queued':
      return { line: `⏳ Queued: ${what}`, dm: false };
    case 'order.submitted':
      return { line: `📨 Sent to the exchange: ${what}`, dm: false };
    case 'order.triggered':
      return { line: `🎯 **Triggered** at ${num(e.price)}: ${what}`, dm: true };
    case 'order.filled':
    case 'order.partially_filled': {
      const base = e.symbol.split('/')[0] ?? '';
      const how = e.type === 'order.filled' ? '✅ **Filled:**' : '◐ **Partially filled:**';
      return {
        line:
          `${how} ${past[e.side]} ${num(e.filledAmount)} ${escapeMarkdown(base)} at ${num(e.avgPrice)}, ` +
          `fee ${num(e.fee)} ${escapeMarkdown(e.feeCurrency)}${e.mode === 'paper' ? ' (paper)' : ''}`,
        dm: true,
      };
    }
    case 'order.rejected':
    case 'order.failed':
      return { line: `❌ **Not executed:** ${what}. ${escapeMarkdown(e.message)}`, dm: true };
    // The owner cancelled it, or let it lapse: the card says so, a DM would only be noise.
    case 'order.cancelled':
      return { line: `✖️ Cancelled: ${what}`, dm: false };
    case 'order.expired':
      return { line: EXPIRED_LINE, dm: false };
  }
}

export interface Notifier {
  stop(): Promise<void>;
}

const BLOCK_MS = 2_000;

export function startNotifier(deps: {
  readonly read: NonNullable<TelegramDeps['orderEvents']>;
  readonly accountOf: TelegramDeps['telegramAccountOf'];
  readonly sender: TelegramSender;
  readonly cards: CardStore;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
}): Notifier {
  const cursorKey = deps.keys.key('telegram', 'events-cursor');
  let stopped = false;

  async function deliver(raw: unknown): Promise<void> {
    const parsed = EventSchema.safeParse(raw);
    if (!parsed.success) {
      // A type this adapter does not know yet, or a malformed entry: logged, not retried forever.
      deps.logger.warn(
        { type: (raw as { type?: unknown })?.type },
        'skipping an order event Telegram cannot show',
      );
      return;
    }
    const e = parsed.data;
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
    await deps.sender.send(account, [text(line)]);
  }

  const loop = (async () => {
    // Stream ids start with a millisecond timestamp: a first start reads what happens from now on.
    let after = (await deps.redis.get(cursorKey)) ?? `${Date.now()}-0`;
    while (!stopped) {
      try {
        const batch = await deps.read(after, { count: 100, blockMs: BLOCK_MS });
        for (const { id, event } of batch) {
          try {
            await deliver(event);
          } catch (err) {
            errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'telegram.notify' });
            deps.logger.error({ err, id }, 'Telegram notification failed');
          }
          after = id;
          await deps.redis.set(cursorKey, id);
        }
      } catch (err) {
        if (stopped) break;
        deps.logger.error({ err }, 'reading order events failed; retrying');
        await sleep(1_000);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
