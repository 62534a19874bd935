/**
 * Outgoing Bot API calls scheduled within Telegram's limits: about 1 message/s per chat, 20/min per
 * group, about 30/s overall. One call per chat is in flight at a time, so a chat's messages arrive in
 * the order they were queued even when Telegram answers 429: the refused call is retried first, after
 * `retry_after`. Nothing is dropped: every call ends with Telegram's answer or an error for the caller.
 *
 * Own scheduler rather than @grammyjs/transformer-throttler + @grammyjs/auto-retry: those keep the
 * limits and the retries in two places, so a retried message can be overtaken by the next one for the
 * same chat, and auto-retry gives up silently to its caller's error after a few attempts.
 *
 * A call counts in a window from the moment it is sent until `window` after its answer arrived. Telegram
 * received it somewhere between the two, so however the network delays requests, Telegram never sees
 * more than `max` calls within any `window` (a sent call may be counted a little long; never too short).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Release, SharedBudget } from './redis-budget.ts';

export interface RateWindow {
  readonly max: number;
  readonly ms: number;
}

export interface TelegramRateLimits {
  readonly perChat: RateWindow;
  /** Groups, supergroups and channels (negative chat ids, @usernames). */
  readonly perGroup: RateWindow;
  readonly global: RateWindow;
}

/** Telegram's published limits (core.telegram.org/bots/faq). */
export const TELEGRAM_RATE_LIMITS: TelegramRateLimits = {
  perChat: { max: 1, ms: 1_000 },
  perGroup: { max: 20, ms: 60_000 },
  global: { max: 30, ms: 1_000 },
};

/** What the Bot API answers; the outbox reads only what it needs to schedule. */
export interface ApiAnswer {
  readonly ok: boolean;
  readonly error_code?: number;
  readonly parameters?: { readonly retry_after?: number };
}

export interface OutboxOptions {
  readonly limits?: TelegramRateLimits;
  /** 429 answers one call may receive before its caller gets the 429. */
  readonly max429?: number;
  /** Network failures and 5xx answers one call may receive before its caller gets the error. */
  readonly maxTransient?: number;
  readonly onRetry?: (info: { chatId: string; reason: string; waitMs: number }) => void;
  /**
   * The windows every process sending as this bot shares (bots/telegram/redis-budget.ts): each call
   * also takes its slot there, so two processes together keep Telegram's limits, not each its own.
   */
  readonly shared?: SharedBudget;
}

export class OutboxClosedError extends Error {
  constructor() {
    super('the Telegram outbox is stopped; the message was not sent');
    this.name = 'OutboxClosedError';
  }
}

interface Job {
  readonly call: () => Promise<ApiAnswer>;
  readonly resolve: (answer: ApiAnswer) => void;
  readonly reject: (err: unknown) => void;
  rateLimited: number;
  transient: number;
}

/** Sent-at and answered-at of one call: it occupies its windows until `answeredAt + window`. */
interface Slot {
  readonly sentAt: number;
  answeredAt?: number;
}

class Window {
  private slots: Slot[] = [];
  constructor(readonly spec: RateWindow) {}

  /** 0 when a call may go now; the wait in ms otherwise, or Infinity until an in-flight call answers. */
  waitMs(now: number): number {
    this.slots = this.slots.filter((s) => s.answeredAt === undefined || s.answeredAt + this.spec.ms > now);
    const excess = this.slots.length - this.spec.max + 1;
    if (excess <= 0) return 0;
    const frees = this.slots
      .map((s) => (s.answeredAt === undefined ? Number.POSITIVE_INFINITY : s.answeredAt + this.spec.ms))
      .sort((a, b) => a - b);
    return frees[excess - 1]! - now;
  }

  take(slot: Slot): void {
    this.slots.push(slot);
  }

  get idle(): boolean {
    return this.slots.length === 0;
  }
}

export const isGroupChat = (chatId: string) => chatId.startsWith('-') || chatId.startsWith('@');
const transientStatus = (code: number | undefined) => code !== undefined && code >= 500;

export class Outbox {
  private readonly limits: TelegramRateLimits;
  private readonly queues = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly chatWindows = new Map<string, Window>();
  private readonly groupWindows = new Map<string, Window>();
  private readonly global: Window;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set once the grace period of `close` is over: nothing may be queued again, not even a retry. */
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** Aborted once stopped: a call still waiting on the shared budget gives up. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: OutboxOptions = {}) {
    this.limits = options.limits ?? TELEGRAM_RATE_LIMITS;
    this.global = new Window(this.limits.global);
  }

  /** Queues `call` for `chatId`; resolves with Telegram's final answer (ok, or an error other than 429). */
  enqueue<A extends ApiAnswer>(chatId: string, call: () => Promise<A>): Promise<A> {
    if (this.closed) return Promise.reject(new OutboxClosedError());
    return new Promise<A>((resolve, reject) => {
      const queue = this.queues.get(chatId);
      // The job only reads the scheduling fields; the caller gets back exactly what `call` answered.
      const job: Job = {
        call,
        resolve: resolve as (a: ApiAnswer) => void,
        reject,
        rateLimited: 0,
        transient: 0,
      };
      if (queue) queue.push(job);
      else this.queues.set(chatId, [job]);
      this.pump();
    });
  }

  /** Calls queued or in flight. */
  get pending(): number {
    let n = this.busy.size;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves when nothing is queued or in flight. */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking calls. Queued calls still go out within `graceMs`; those left after it are rejected
   * with OutboxClosedError so their callers know they were not sent.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    const grace = new AbortController();
    await Promise.race([this.drained(), sleep(graceMs, undefined, { signal: grace.signal }).catch(() => {})]);
    grace.abort();
    this.stopped = true;
    this.stopping.abort(new OutboxClosedError());
    for (const [chatId, queue] of this.queues) {
      for (const job of queue) job.reject(new OutboxClosedError());
      this.queues.delete(chatId);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.settleIdle();
  }

  private windowsOf(chatId: string): Window[] {
    const windows = [this.global, this.window(this.chatWindows, chatId, this.limits.perChat)];
    if (isGroupChat(chatId)) windows.push(this.window(this.groupWindows, chatId, this.limits.perGroup));
    return windows;
  }

  private window(map: Map<string, Window>, chatId: string, spec: RateWindow): Window {
    let w = map.get(chatId);
    if (!w) {
      w = new Window(spec);
      map.set(chatId, w);
    }
    return w;
  }

  /** Sends every call that may go now, oldest waiting chat first; sets a timer for the next one. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    let nextWake = Number.POSITIVE_INFINITY;
    for (const chatId of [...this.queues.keys()]) {
      if (this.busy.has(chatId)) continue;
      // The bot's own window first: once it is full no chat may send, so the rest of the queue need
      // not be looked at (with hundreds of chats queued, doing so on every answer was quadratic).
      const global = this.global.waitMs(now);
      if (global > 0) {
        nextWake = Math.min(nextWake, global);
        break;
      }
      const paused = (this.pausedUntil.get(chatId) ?? 0) - now;
      const wait = Math.max(paused, ...this.windowsOf(chatId).map((w) => w.waitMs(now)));
      if (wait > 0) {
        nextWake = Math.min(nextWake, wait);
        continue;
      }
      this.dispatch(chatId, now);
    }
    if (Number.isFinite(nextWake)) this.timer = setTimeout(() => this.pump(), Math.ceil(nextWake));
    this.forgetIdleWindows();
  }

  private dispatch(chatId: string, now: number): void {
    const queue = this.queues.get(chatId)!;
    const job = queue.shift()!;
    // Round robin: a chat that just sent moves behind every other waiting chat.
    this.queues.delete(chatId);
    if (queue.length) this.queues.set(chatId, queue);
    this.busy.add(chatId);
    const slot: Slot = { sentAt: now };
    for (const w of this.windowsOf(chatId)) w.take(slot);
    void this.run(chatId, job, slot);
  }

  private async run(chatId: string, job: Job, slot: Slot): Promise<void> {
    let retryInMs: number | undefined;
    let release: Release | undefined;
    try {
      release = await this.options.shared?.acquire(chatId, this.stopping.signal);
      const answer = await job.call();
      const retryAfter = answer.parameters?.retry_after;
      if (!answer.ok && answer.error_code === 429 && ++job.rateLimited <= (this.options.max429 ?? 10)) {
        retryInMs = Math.max(1, retryAfter ?? 1) * 1_000;
        this.options.onRetry?.({ chatId, reason: '429', waitMs: retryInMs });
      } else if (
        !answer.ok &&
        transientStatus(answer.error_code) &&
        ++job.transient <= (this.options.maxTransient ?? 3)
      ) {
        retryInMs = backoffMs(job.transient);
        this.options.onRetry?.({ chatId, reason: `HTTP ${answer.error_code}`, waitMs: retryInMs });
      } else job.resolve(answer);
    } catch (err) {
      // Stopped while waiting for room in the shared budget: never sent.
      if (err instanceof OutboxClosedError) job.reject(err);
      // The request may or may not have reached Telegram; a rare duplicate beats a lost message.
      else if (++job.transient <= (this.options.maxTransient ?? 3)) {
        retryInMs = backoffMs(job.transient);
        this.options.onRetry?.({ chatId, reason: 'network', waitMs: retryInMs });
      } else job.reject(err);
    } finally {
      release?.();
      slot.answeredAt = performance.now();
      this.busy.delete(chatId);
    }
    if (retryInMs !== undefined && this.stopped) job.reject(new OutboxClosedError());
    else if (retryInMs !== undefined) {
      this.pausedUntil.set(chatId, performance.now() + retryInMs);
      // The refused call goes first when the chat may send again: order per chat holds.
      const queue = this.queues.get(chatId);
      if (queue) queue.unshift(job);
      else this.queues.set(chatId, [job]);
    }
    this.pump();
    this.settleIdle();
  }

  private forgetIdleWindows(): void {
    const now = performance.now();
    for (const [id, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(id);
    for (const map of [this.chatWindows, this.groupWindows])
      for (const [id, w] of map)
        if (!this.queues.has(id) && !this.busy.has(id) && w.waitMs(now) === 0 && w.idle) map.delete(id);
  }

  private settleIdle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

const backoffMs = (attempt: number) =>
  Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);

/**
 * One Outbox per bot token per process: the bots role and the broadcaster in one process send as the
 * same bot, and Telegram counts their messages against one budget (per chat, per group, global), so
 * two outboxes would each spend the whole budget and together double it. The first user's options
 * apply; the outbox closes when its last user releases it.
 */
const shared = new Map<string, { outbox: Outbox; users: number }>();

export interface OutboxLease {
  readonly outbox: Outbox;
  /** Gives the lease back; the last one closes the outbox (sends in flight get `graceMs`). */
  release(graceMs?: number): Promise<void>;
}

export function sharedOutbox(
  bot: { readonly token: string; readonly apiRoot: string },
  options: OutboxOptions = {},
): OutboxLease {
  // Keyed by the Bot API too: one Telegram (or one test's fake) per budget.
  const token = `${bot.apiRoot.replace(/\/+$/, '')} ${bot.token}`;
  let entry = shared.get(token);
  if (!entry) {
    entry = { outbox: new Outbox(options), users: 0 };
    shared.set(token, entry);
  }
  entry.users++;
  const mine = entry;
  let released = false;
  return {
    outbox: mine.outbox,
    async release(graceMs) {
      if (released) return;
      released = true;
      if (--mine.users > 0) return;
      if (shared.get(token) === mine) shared.delete(token);
      await mine.outbox.close(graceMs);
    },
  };
}
