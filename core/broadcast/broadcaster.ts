/**
 * The broadcaster: `signals:paper` and `signals:live` → every matching subscription, exactly once, in
 * order per chat, within each platform's limits. Any number of processes run it side by side.
 *
 * 1. Read: each stream through the consumer group `broadcaster` (stream-group.ts); entries a dead
 *    consumer left pending are claimed by a live one.
 * 2. Fan out, in stream order: an entry is planned only after every entry before it that is still
 *    pending in the group was planned (their markers exist), so a chat's rows are complete up to it.
 *    Planning writes one ledger row per matching subscription (ledger.ts); it is idempotent.
 * 3. Deliver per subscription: whoever holds the chat's lock (chat-lock.ts) sends its unsettled rows
 *    oldest first, one at a time; a row waits out its backoff before the next row may go.
 * 4. Acknowledge an entry when none of its rows is unsettled (delivered or dead-lettered).
 *
 * A row is noted "sending" right before its request leaves. A row found "sending" by the next holder
 * (a crash in between) is sent again only where the platform de-duplicates (Discord's nonce); elsewhere
 * it goes to signals:dlq as uncertain: at most once, and never silently.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { errorsTotal } from '../metrics.ts';
import type { Redis, RedisKeys } from '../redis.ts';
import { ChatLocks } from './chat-lock.ts';
import { deadLetter } from './dlq.ts';
import { type DeliveryRow, Ledger, type PlannedDelivery } from './ledger.ts';
import {
  deadLettersTotal,
  deliveriesTotal,
  deliverySeconds,
  pausedSubscriptions,
  retriesTotal,
} from './metrics.ts';
import { type BroadcastPlatform, DeliveryFailure, type SignalChannel, type SignalCharts } from './ports.ts';
import { type BroadcastSignal, parseSignalEntry } from './signal-entry.ts';
import { type StreamEntry, StreamGroup } from './stream-group.ts';
import { type SubscriptionRecord, Subscriptions, toRecord } from './subscriptions.ts';

export const BROADCAST_GROUP = 'broadcaster';

export interface BroadcasterOptions {
  readonly db: Db;
  /** Commands (locks, acks, markers). */
  readonly redis: Redis;
  /** One blocking connection per stream (XREADGROUP BLOCK). */
  readonly newRedis: (name: string) => Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  readonly channels: Partial<Record<BroadcastPlatform, SignalChannel>>;
  readonly charts?: SignalCharts;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly lockMs: number;
  readonly claimIdleMs: number;
  /** Defaults to host-pid-random: a restarted process never inherits a dead one's entries by name. */
  readonly consumer?: string;
  /** Entries read per call. */
  readonly batch?: number;
  readonly blockMs?: number;
}

export interface Broadcaster {
  /** Resolves when the groups exist (entries added after this are broadcast). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

const MARKER_TTL_S = 7 * 24 * 3600;
const SWEEP_MS = 250;
/** Unsettled rows of a chat read at once (then sent one after the other). */
const ROWS_PER_READ = 5;

interface Held {
  readonly stream: string;
  readonly id: string;
  planned: boolean;
}

function backoff(baseMs: number, attempt: number): number {
  return Math.min(5 * 60_000, baseMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
}

/** Entry ids start with the XADD time in ms. */
const addedAt = (streamId: string) => Number(streamId.split('-')[0]);

export function startBroadcaster(o: BroadcasterOptions): Broadcaster {
  const log = o.logger.child({ component: 'broadcaster' });
  const consumer = o.consumer ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ledger = new Ledger(o.db);
  const subs = new Subscriptions(o.db);
  const locks = new ChatLocks(o.redis, (id) => o.keys.key('broadcast', 'lock', id), o.lockMs);
  const platforms = Object.keys(o.channels) as BroadcastPlatform[];
  const streams = (['signals:paper', 'signals:live'] as const).map((s) => o.keys.stream(s));
  const readers = streams.map((stream) => ({
    stream,
    redis: o.newRedis(`broadcast-${stream}`),
  }));
  const groups = new Map(
    readers.map((r) => [
      r.stream,
      new StreamGroup(r.redis, {
        stream: r.stream,
        group: BROADCAST_GROUP,
        consumer,
        claimIdleMs: o.claimIdleMs,
      }),
    ]),
  );
  const commands = new Map(
    streams.map((stream) => [
      stream,
      new StreamGroup(o.redis, { stream, group: BROADCAST_GROUP, consumer, claimIdleMs: o.claimIdleMs }),
    ]),
  );
  const held = new Map<string, Held>();
  const signals = new Map<string, BroadcastSignal>();
  const charts = new Map<string, Promise<Awaited<ReturnType<SignalCharts['chartFor']>>>>();
  const active = new Map<string, Promise<void>>();
  let stopping = false;
  const heldKey = (stream: string, id: string) => `${stream} ${id}`;
  const marker = (stream: string, id: string) => o.keys.key('broadcast', 'planned', stream, id);

  // ------------------------------------------------------------------ planning

  async function planEntry(stream: string, entry: StreamEntry, group: StreamGroup): Promise<void> {
    const parsed = parseSignalEntry(entry.fields);
    if (parsed.ok) signals.set(heldKey(stream, entry.id), parsed.entry.signal);
    // Rows of earlier entries first: wait until every earlier entry still pending was planned.
    for (;;) {
      const before = await group.pendingBefore(entry.id);
      const unknown = before.length
        ? (await o.redis.mget(...before.map((id) => marker(stream, id)))).filter((v) => v === null).length
        : 0;
      if (unknown === 0 || stopping) break;
      await sleep(50);
    }
    if (stopping) return;
    let rows: PlannedDelivery[] = [];
    if (!parsed.ok) {
      errorsTotal.inc({ code: 'ERR_VALIDATION', where: 'broadcast.entry' });
      log.warn(
        { stream, id: entry.id, reason: parsed.reason },
        'broadcaster: skipping an entry it cannot read',
      );
    } else if (parsed.entry.signal.late) {
      // Back-filled after downtime: stored and streamed, never announced as fresh.
      log.debug({ id: parsed.entry.signal.id }, 'broadcaster: late signal not announced');
    } else {
      const { type, signal } = parsed.entry;
      const targets =
        type === 'signal'
          ? await subs.matching(platforms, signal)
          : // A lifecycle change answers the card; chats that never got the card are not told.
            await lifecycleTargets(signal);
      const event = type === 'signal' ? 'signal' : signal.status;
      if (type === 'signal' || event !== 'open')
        rows = targets.map((s) => ({
          subscriptionId: s.id,
          signalId: signal.id,
          event,
          stream,
          streamId: entry.id,
        }));
    }
    // The card's chart renders while the rows are written and the chats' queues reach it, not when
    // the first chat is ready to send it (every chat of this signal would wait for it then).
    if (parsed.ok && parsed.entry.type === 'signal' && rows.length) void chartOf(parsed.entry.signal);
    await ledger.plan(rows);
    await o.redis.set(marker(stream, entry.id), '1', 'EX', MARKER_TTL_S);
    const h = held.get(heldKey(stream, entry.id));
    if (h) h.planned = true;
    for (const r of rows) kick(r.subscriptionId);
  }

  async function lifecycleTargets(signal: BroadcastSignal): Promise<SubscriptionRecord[]> {
    const cards = await ledger.cardsOf(signal.id);
    if (!cards.size) return [];
    const all = await o.db.subscription.findMany({
      where: { id: { in: [...cards.keys()] }, pausedAt: null },
    });
    return all.map(toRecord).filter((s) => platforms.includes(s.platform));
  }

  // ------------------------------------------------------------------ delivering

  function kick(subscriptionId: string): void {
    if (stopping || active.has(subscriptionId)) return;
    const run = runSubscription(subscriptionId)
      .catch((err: unknown) => {
        errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'broadcast.deliver' });
        log.error({ err, subscriptionId }, 'broadcaster: delivering to a chat failed; will try again');
      })
      .finally(() => active.delete(subscriptionId));
    active.set(subscriptionId, run);
  }

  async function runSubscription(subscriptionId: string): Promise<void> {
    const lock = await locks.acquire(subscriptionId);
    if (!lock) return;
    try {
      while (!stopping && lock.held) {
        const row = await o.db.subscription.findUnique({ where: { id: subscriptionId } });
        if (!row) return; // unsubscribed: its rows went with it
        // A few rows per read, oldest first: reading the subscription and its next row before every
        // message was most of the broadcaster's database work. The subscription (paused? gone?) is read
        // again after each batch and after anything but a delivery.
        const pending = await ledger.pendingOf(subscriptionId, ROWS_PER_READ);
        if (!pending.length) return;
        const sub = toRecord(row);
        if (sub.pausedReason) {
          await giveUp(
            sub,
            await ledger.pendingIdsOf(sub.id),
            `subscription paused: ${sub.pausedReason}`,
            'paused',
          );
          return;
        }
        const channel = o.channels[sub.platform];
        if (!channel) return;
        for (const next of pending) {
          if (stopping || !lock.held) break;
          const wait = (next.nextAttemptAt?.getTime() ?? 0) - Date.now();
          if (wait > 0) {
            // Later rows wait behind it: a chat's messages stay in order.
            await sleep(Math.min(wait, 1_000));
            break;
          }
          if (!(await deliver(sub, channel, next))) break;
        }
      }
    } finally {
      await lock.release();
    }
  }

  async function signalOf(row: DeliveryRow): Promise<BroadcastSignal | undefined> {
    const cached = signals.get(heldKey(row.stream, row.streamId));
    if (cached) return cached;
    const [entry] = await o.redis.xrange(row.stream, row.streamId, row.streamId);
    if (!entry) return undefined;
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < entry[1].length; i += 2) fields[entry[1][i]!] = entry[1][i + 1]!;
    const parsed = parseSignalEntry(fields);
    return parsed.ok ? parsed.entry.signal : undefined;
  }

  function chartOf(signal: BroadcastSignal) {
    if (!o.charts) return Promise.resolve(undefined);
    let p = charts.get(signal.id);
    if (!p) {
      p = o.charts.chartFor(signal).catch((err: unknown) => {
        // A card without its picture beats no card; the failure is logged and counted.
        errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'broadcast.chart' });
        log.warn({ err, signalId: signal.id }, 'broadcaster: chart failed; sending the card without it');
        return undefined;
      });
      charts.set(signal.id, p);
      if (charts.size > 500) charts.delete(charts.keys().next().value!);
    }
    return p;
  }

  /** True when the row was delivered (the next row of the chat may follow). */
  async function deliver(
    sub: SubscriptionRecord,
    channel: SignalChannel,
    row: DeliveryRow,
  ): Promise<boolean> {
    const platform = sub.platform;
    if (row.sendingAt && !channel.idempotent) {
      await giveUp(
        sub,
        [row.id],
        'outcome unknown: the broadcaster stopped while this was being sent; not sent again to avoid a duplicate',
        'uncertain',
      );
      return false;
    }
    const signal = await signalOf(row);
    if (!signal) {
      await giveUp(sub, [row.id], 'the signal is no longer in its stream', 'invalid');
      return false;
    }
    const hooks = { key: row.id, onDispatch: () => ledger.sending(row.id) };
    try {
      let sent: { messageId: string };
      if (row.event === 'signal') {
        sent = await channel.sendCard(sub.chatId, signal, await chartOf(signal), hooks);
      } else {
        const card = await ledger.cardOf(sub.id, signal.id);
        sent = await channel.sendLifecycle(sub.chatId, signal, card?.messageId ?? undefined, hooks);
      }
      await ledger.delivered(row.id, sent.messageId);
      deliveriesTotal.inc({ platform, outcome: 'delivered' });
      deliverySeconds.observe(
        { platform, kind: row.event === 'signal' ? 'card' : 'lifecycle' },
        Math.max(0, Date.now() - addedAt(row.streamId)) / 1_000,
      );
      return true;
    } catch (err) {
      const failure =
        err instanceof DeliveryFailure
          ? err
          : new DeliveryFailure('retry', err instanceof Error ? err.message : String(err), { cause: err });
      if (failure.kind === 'permanent') {
        await pauseSubscription(sub, channel, failure.reason);
        return false;
      }
      if (failure.kind === 'rejected') {
        await giveUp(sub, [row.id], `refused: ${failure.reason}`, 'rejected');
        return false;
      }
      const attempts = await ledger.failed(
        row,
        failure.reason,
        new Date(Date.now() + backoff(o.backoffMs, row.attempts + 1)),
      );
      if (attempts >= o.attempts) {
        await giveUp(sub, [row.id], `gave up after ${attempts} attempts: ${failure.reason}`, 'attempts');
        return false;
      }
      retriesTotal.inc({ platform });
      log.warn(
        { chatId: sub.chatId, platform, attempts, reason: failure.reason },
        'broadcaster: delivery will be retried',
      );
      return false;
    }
  }

  async function giveUp(
    sub: SubscriptionRecord,
    ids: readonly string[],
    reason: string,
    why: string,
  ): Promise<void> {
    const rows = await ledger.dead(ids, reason);
    await deadLetter(o.redis, o.keys, rows, sub, reason);
    if (rows.length) {
      deadLettersTotal.inc({ platform: sub.platform, why }, rows.length);
      deliveriesTotal.inc(
        { platform: sub.platform, outcome: why === 'uncertain' ? 'uncertain' : 'dead' },
        rows.length,
      );
      log.warn(
        { chatId: sub.chatId, platform: sub.platform, count: rows.length, reason },
        'broadcaster: dead-lettered',
      );
    }
  }

  async function pauseSubscription(
    sub: SubscriptionRecord,
    channel: SignalChannel,
    reason: string,
  ): Promise<void> {
    await subs.pause(sub.id, reason);
    pausedSubscriptions.set(await subs.pausedCount());
    log.warn(
      { chatId: sub.chatId, platform: sub.platform, reason },
      'broadcaster: chat refused; subscription paused',
    );
    await giveUp(sub, await ledger.pendingIdsOf(sub.id), `subscription paused: ${reason}`, 'refused');
    if (sub.adminPlatformUserId) {
      const where = sub.chatTitle ? `“${sub.chatTitle}”` : `chat ${sub.chatId}`;
      await channel
        .tellAdmin(
          sub.adminPlatformUserId,
          `I can no longer post signals in ${where}: ${reason}. Its subscription is paused. ` +
            'Give me back access (or posting rights), then run /subscribe there again.',
        )
        .catch((err: unknown) =>
          log.warn({ err, chatId: sub.chatId }, 'broadcaster: could not tell the admin'),
        );
    }
  }

  // ------------------------------------------------------------------ reading, acknowledging

  async function readLoop(stream: string): Promise<void> {
    const group = groups.get(stream)!;
    const command = commands.get(stream)!;
    let planning = Promise.resolve();
    while (!stopping) {
      try {
        if (held.size > 2_000) {
          await sleep(100);
          continue;
        }
        const entries = await group.next(o.batch ?? 50, o.blockMs ?? 1_000);
        for (const e of entries) {
          const k = heldKey(stream, e.id);
          if (held.has(k)) continue;
          held.set(k, { stream, id: e.id, planned: false });
          // One entry after the other, so this consumer's own entries keep their order too.
          planning = planning.then(() =>
            planEntry(stream, e, command).catch((err: unknown) => {
              const h = held.get(k);
              // Not planned: forget it here; it stays pending and is claimed again later.
              if (h && !h.planned) held.delete(k);
              errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'broadcast.plan' });
              log.error({ err, stream, id: e.id }, 'broadcaster: planning an entry failed');
            }),
          );
        }
      } catch (err) {
        if (stopping) break;
        log.error({ err, stream }, 'broadcaster: reading the stream failed; retrying');
        await sleep(500);
      }
    }
    await planning;
  }

  async function sweep(): Promise<void> {
    for (const stream of streams) {
      const mine = [...held.values()].filter((h) => h.stream === stream && h.planned);
      if (!mine.length) continue;
      const open = await ledger.unsettled(
        stream,
        mine.map((h) => h.id),
      );
      const done = mine.filter((h) => !open.has(h.id));
      await commands.get(stream)!.ack(done.map((h) => h.id));
      for (const h of done) {
        held.delete(heldKey(stream, h.id));
        signals.delete(heldKey(stream, h.id));
      }
      for (const waiting of open.values()) for (const s of waiting) kick(s);
    }
    // Deliveries nobody is working on (a dead letter retried, a crashed holder's chats).
    for (const s of await ledger.dueSubscriptions(200)) kick(s);
  }

  async function renewLoop(): Promise<void> {
    while (!stopping) {
      await sleep(Math.max(50, Math.floor(o.claimIdleMs / 3)));
      for (const stream of streams) {
        const ids = [...held.values()].filter((h) => h.stream === stream).map((h) => h.id);
        await commands
          .get(stream)!
          .renew(ids)
          .catch((err: unknown) => log.warn({ err }, 'broadcaster: renew failed'));
      }
    }
  }

  async function sweepLoop(): Promise<void> {
    while (!stopping) {
      await sweep().catch((err: unknown) => {
        if (!stopping) log.warn({ err }, 'broadcaster: sweep failed; retrying');
      });
      await sleep(SWEEP_MS);
    }
  }

  const ready = (async () => {
    for (const g of commands.values()) await g.ensure();
    pausedSubscriptions.set(await subs.pausedCount());
  })();
  const loops = ready.then(() => Promise.all([...streams.map(readLoop), sweepLoop(), renewLoop()]));
  loops.catch((err: unknown) => log.error({ err }, 'broadcaster: stopped by an error'));

  return {
    ready,
    async stop() {
      stopping = true;
      await loops.catch(() => undefined);
      await Promise.allSettled([...active.values()]);
      for (const r of readers) r.redis.disconnect();
    },
  };
}
