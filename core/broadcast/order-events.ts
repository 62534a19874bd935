/**
 * Order and alert events as every adapter reads them: ONE schema (zod) for what the trading core
 * publishes (core/trading/order-events.ts), ONE table of which events reach the owner's DM, and ONE
 * way of reading them, through a consumer group per platform (`notify:telegram`, `notify:discord`):
 * each event goes to one bot process of that platform, so two bot processes tell each user once.
 *
 * Fields may be added to events (never renamed); unknown fields pass through, unknown types are
 * acknowledged and skipped with a warning (an adapter older than the core).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { errorsTotal } from '../metrics.ts';
import type { Redis, RedisKeys } from '../redis.ts';
import { type OrderEventMessage, orderEventsStream } from '../trading/order-events.ts';
import { DeliveryFailure } from './ports.ts';
import { StreamGroup } from './stream-group.ts';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const platform = z.enum(['discord', 'telegram', 'console', 'api']);
const order = {
  orderId: z.string(),
  userId: z.string(),
  platform,
  chatId: z.string().nullable(),
  mode: z.enum(['paper', 'live']),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  amount: decimal,
  at: z.string(),
};

export const orderEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    ...order,
    type: z.enum(['order.queued', 'order.submitted', 'order.cancelled']),
  }),
  z.looseObject({ ...order, type: z.literal('order.expired'), message: z.string().optional() }),
  z.looseObject({ ...order, type: z.literal('order.triggered'), price: decimal }),
  z.looseObject({
    ...order,
    type: z.enum(['order.filled', 'order.partially_filled']),
    filledAmount: decimal,
    avgPrice: decimal,
    fee: decimal,
    feeCurrency: z.string(),
  }),
  z.looseObject({
    ...order,
    type: z.enum(['order.rejected', 'order.failed']),
    code: z.string(),
    /** Safe to show in chat. */
    message: z.string(),
  }),
  z.looseObject({
    type: z.literal('alert.triggered'),
    triggerId: z.string(),
    userId: z.string(),
    platform,
    chatId: z.string().nullable(),
    symbol: z.string(),
    direction: z.enum(['above', 'below']),
    level: decimal,
    price: decimal,
    note: z.string().nullable(),
    at: z.string(),
  }),
]);

export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderEventType = OrderEvent['type'];
export type OrderLifecycleEvent = Exclude<OrderEvent, { type: 'alert.triggered' }>;

// The publisher's type must stay readable by this schema: a renamed or retyped field fails here.
type Known<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
type Declared<U> = U extends unknown ? Known<U> : never;
const _publisherFits = (e: OrderEventMessage): Declared<z.input<typeof orderEventSchema>> => e;
void _publisherFits;

/**
 * Which events are told to the owner in a DM. The rest only move the order's card along (queued,
 * submitted) or were the owner's own doing (cancelled, a proposal left unconfirmed): a DM would be
 * noise. An order that expired after its owner confirmed it (execution deadline passed, time in force
 * ended, trigger not reached, never placed at the exchange) carries why, and that is told: otherwise
 * the owner would believe it was placed.
 */
export const OWNER_DM: Readonly<Record<OrderEventType, boolean | 'when confirmed'>> = {
  'order.queued': false,
  'order.submitted': false,
  'order.triggered': true,
  'order.filled': true,
  'order.partially_filled': true,
  'order.rejected': true,
  'order.failed': true,
  'order.cancelled': false,
  'order.expired': 'when confirmed',
  'alert.triggered': true,
};

/** Whether `e` goes to its owner's DM, by the table above (a confirmed order's expiry says why). */
export function toldToOwner(e: { readonly type: OrderEventType; readonly message?: string }): boolean {
  const rule = OWNER_DM[e.type];
  return rule === 'when confirmed' ? Boolean(e.message) : rule;
}

export interface OrderEventFeed {
  /**
   * Hands each event to `handle` in one process of `group` (e.g. "notify:telegram"): acknowledged
   * after `handle` resolves or after it failed (logged, counted: a notification is not retried into
   * a flood). A crashed process' events are taken over after the claim delay.
   */
  consume(
    group: string,
    handle: (event: OrderEvent, id: string) => Promise<void>,
  ): Promise<{ stop(): Promise<void> }>;
}

export interface FeedOptions {
  readonly redis: Redis;
  /** A connection of its own for each consumer (blocking reads). */
  readonly newRedis: (name: string) => Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  readonly claimIdleMs: number;
  readonly blockMs?: number;
  /** First pause before a notification the platform refused for now is tried again (doubling). */
  readonly retryBaseMs?: number;
}

/**
 * Tries of one notification the platform keeps refusing for now (429, 5xx, network): the pause doubles
 * from `retryBaseMs` up to 60 times it (a minute), about nine minutes in all, so an owner is still told
 * of a fill after an outage of Telegram or Discord of several minutes, not only one of seconds.
 */
export const NOTIFY_ATTEMPTS = 15;
const MAX_PAUSE_FACTOR = 60;

/** The pause after the `attempt`-th refusal: `baseMs` doubling, at most 60 times it. */
export function notifyPauseMs(attempt: number, baseMs: number): number {
  return baseMs * Math.min(2 ** (attempt - 1), MAX_PAUSE_FACTOR);
}

const DONE_TTL_S = 7 * 24 * 3600;

export function redisOrderEventFeed(o: FeedOptions): OrderEventFeed {
  return {
    async consume(group, handle) {
      const stream = orderEventsStream(o.keys);
      const consumer = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
      const reader = o.newRedis(`events-${group}`);
      const opts = { stream, group, consumer, claimIdleMs: o.claimIdleMs };
      const reading = new StreamGroup(reader, opts);
      const acking = new StreamGroup(o.redis, opts);
      // Created before returning: whatever is published after the adapter started is told.
      await acking.ensure();
      const doneKey = (id: string) => o.keys.key('events', group, 'done', id);
      let running = true;
      const wakers = new Set<() => void>();
      // Every entry read and not yet acknowledged, not only the one being handled: the rest of a batch
      // waits behind it (a DM waits for its chat's 1 message/s), and an entry left to grow idle is
      // claimed by another process, which then tells the owner a second time.
      const holding = new Set<string>();
      const renew = setInterval(
        () => {
          if (holding.size) void acking.renew([...holding]).catch(() => undefined);
        },
        Math.max(50, Math.floor(o.claimIdleMs / 3)),
      );
      renew.unref();
      const loop = (async () => {
        while (running) {
          try {
            const batch = await reading.next(50, o.blockMs ?? 1_000);
            for (const entry of batch) holding.add(entry.id);
            for (const entry of batch) {
              // Claimed after a crash that came after the notification went out, or published again by
              // the trading core's outbox relay after a crash of its own: not told twice.
              const parsed = parseEntry(entry.fields);
              const done = doneKey(onceKey(entry.id, parsed));
              // False when stopped while waiting to retry: left pending for a live process to claim.
              if (!(await o.redis.exists(done)) && !(await handleOne(entry.id, entry.fields.type, parsed)))
                break;
              await o.redis.set(done, '1', 'EX', DONE_TTL_S);
              await acking.ack([entry.id]);
              holding.delete(entry.id);
              if (!running) break;
            }
          } catch (err) {
            if (!running) break;
            o.logger.error({ err, group }, 'reading order events failed; retrying');
            await new Promise((r) => setTimeout(r, 500));
          } finally {
            // Stopped or failed mid-batch: the rest stays pending, idle, for a live process to claim.
            holding.clear();
          }
        }
      })();
      /** Whether the event is settled (told, skipped, or given up on); false: stopped before it was. */
      async function handleOne(id: string, type: string | undefined, parsed: ParsedEntry): Promise<boolean> {
        if (!parsed.success) {
          o.logger.warn({ id, type, group }, 'skipping an order event this version cannot show');
          return true;
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await handle(parsed.data, id);
            return true;
          } catch (err) {
            // The platform may take it shortly (429 beyond the sender's own retries, 5xx, network):
            // the event waits, held, rather than be dropped. Anything else will not pass by retrying.
            const passing = err instanceof DeliveryFailure && err.kind === 'retry';
            if (!passing || attempt >= NOTIFY_ATTEMPTS) {
              errorsTotal.inc({ code: 'ERR_INTERNAL', where: `${group}` });
              o.logger.error({ err, id, group, attempts: attempt }, 'order notification failed');
              return true;
            }
            const waitMs = notifyPauseMs(attempt, o.retryBaseMs ?? 1_000);
            o.logger.warn({ err, id, group, attempt, waitMs }, 'order notification failed; retrying');
            if (!(await pause(waitMs))) return false;
          }
        }
      }
      /** Waits `ms` unless stopped first; true when it waited the whole time. */
      function pause(ms: number): Promise<boolean> {
        return new Promise((resolve) => {
          const timer = setTimeout(() => {
            wakers.delete(wake);
            resolve(true);
          }, ms);
          const wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
          wakers.add(wake);
        });
      }
      return {
        async stop() {
          running = false;
          for (const wake of wakers) wake();
          clearInterval(renew);
          reader.disconnect();
          await loop;
        },
      };
    },
  };
}

type ParsedEntry = ReturnType<typeof parseEntry>;

function parseEntry(fields: Readonly<Record<string, string>>) {
  let raw: unknown;
  try {
    raw = JSON.parse(fields.data ?? '');
  } catch {
    raw = undefined;
  }
  return orderEventSchema.safeParse(raw);
}

/**
 * What is told once: an event by what it says, whenever it was made (`at` aside). The outbox relay may
 * publish an event a second time after a crash (delivery into the stream is at least once), under a new
 * entry id and time; this key is what keeps the telling once. An entry this version cannot read is its
 * own.
 */
function onceKey(entryId: string, parsed: ParsedEntry): string {
  if (!parsed.success) return entryId;
  const { at: _at, ...said } = parsed.data;
  const subject = parsed.data.type === 'alert.triggered' ? parsed.data.triggerId : parsed.data.orderId;
  return `${subject}:${createHash('sha256').update(JSON.stringify(said)).digest('hex').slice(0, 16)}`;
}

/** The feed of a process: its stores, and the claim delay of the broadcaster's configuration. */
export function orderEventFeedFor(ctx: {
  readonly redis: Redis;
  newRedis(name: string): Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  readonly config: { readonly BROADCAST_CLAIM_IDLE_MS: number };
}): OrderEventFeed {
  return redisOrderEventFeed({
    redis: ctx.redis,
    newRedis: (name) => ctx.newRedis(name),
    keys: ctx.keys,
    logger: ctx.logger,
    claimIdleMs: ctx.config.BROADCAST_CLAIM_IDLE_MS,
  });
}
