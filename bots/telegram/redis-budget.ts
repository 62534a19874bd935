/**
 * Telegram's limits (per chat, per group, per bot) kept for every process that sends as one bot: two
 * `bots` processes, or a broadcaster beside them, each pace their own calls in their Outbox, and without
 * a budget they share, together they send a chat twice its allowance and Telegram answers 429.
 *
 * The rule is the Outbox's own and the Discord gate's, over Redis (core/response-window.ts): a slot is
 * held from send until the answer and for the window after it, on Redis' clock, and a call takes its
 * slots in the bot's, the chat's and the group's windows at once, so it never holds the chat's slot
 * while it waits on the bot's. A process that dies mid-call holds its slots for `leaseMs` at most.
 * When Redis cannot be reached, a process paces its calls alone (its Outbox still keeps every limit
 * for what it sends) rather than stop talking to its users, for `aloneMs` before it asks again, so that
 * through an outage only one call in that time waits out `askTimeoutMs` (as bots/discord/redis-gate.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { answered, type Release, type ResponseWindow, takeSlotsWithin } from '../../core/response-window.ts';

export type { Release };

import { isGroupChat, type RateWindow, type TelegramRateLimits } from './outbox.ts';

/** What the Outbox asks before each call: a slot in every shared window of the chat. */
export interface SharedBudget {
  /**
   * Resolves once the call may go, with the release to call on its answer (undefined: not shared now);
   * rejects with the signal's reason when it is aborted first.
   */
  acquire(chatId: string, signal: AbortSignal): Promise<Release | undefined>;
}

export interface RedisBudgetOptions {
  readonly limits: TelegramRateLimits;
  /** How long the slot of a call whose answer never came is held. Default 30 s. */
  readonly leaseMs?: number;
  /** Pause between two asks while the slot that frees a place is in flight elsewhere. Default 50 ms. */
  readonly pollMs?: number;
  /**
   * An ask unanswered for this long counts as Redis unavailable (the shared connection queues commands
   * through an outage rather than fail them). Default 1 s.
   */
  readonly askTimeoutMs?: number;
  /** How long the process then paces alone before it asks Redis again. Default 5 s. */
  readonly aloneMs?: number;
  /** Redis did not answer: the process paces alone until it does. Called at most once a minute. */
  readonly onUnavailable?: (err: unknown) => void;
}

export class RedisTelegramBudget implements SharedBudget {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly askTimeoutMs: number;
  private readonly aloneMs: number;
  private aloneUntil = Number.NEGATIVE_INFINITY;
  private lastWarning = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: Redis,
    /** One bot on one Bot API: the prefix of its windows' keys. */
    private readonly prefix: string,
    private readonly options: RedisBudgetOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 50;
    this.askTimeoutMs = options.askTimeoutMs ?? 1_000;
    this.aloneMs = options.aloneMs ?? 5_000;
  }

  async acquire(chatId: string, signal: AbortSignal): Promise<Release | undefined> {
    const windows = this.windowsOf(chatId);
    const member = randomUUID();
    for (;;) {
      signal.throwIfAborted();
      if (performance.now() < this.aloneUntil) return undefined;
      let wait: number;
      try {
        const take = { member, leaseMs: this.leaseMs, pollMs: this.pollMs };
        wait = await takeSlotsWithin(this.redis, windows, take, this.askTimeoutMs);
      } catch (err) {
        this.unavailable(err);
        return undefined;
      }
      if (wait === 0) return this.releaser(windows, member);
      // Woken early by a stop; the check above then throws the stop's reason.
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  private windowsOf(chatId: string): ResponseWindow[] {
    const { limits } = this.options;
    const window = (key: string, w: RateWindow): ResponseWindow => ({ key, limit: w.max, windowMs: w.ms });
    const windows = [
      window(`${this.prefix}:bot`, limits.global),
      window(`${this.prefix}:chat:${chatId}`, limits.perChat),
    ];
    if (isGroupChat(chatId)) windows.push(window(`${this.prefix}:group:${chatId}`, limits.perGroup));
    return windows;
  }

  private releaser(windows: readonly ResponseWindow[], member: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A lost release keeps the slot until its lease ends: never worth failing a send for.
      answered(this.redis, windows, member).catch(() => undefined);
    };
  }

  private unavailable(err: unknown): void {
    const now = performance.now();
    this.aloneUntil = now + this.aloneMs;
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.options.onUnavailable?.(err);
  }
}

/** The budget of one bot on one Bot API; the key names neither the token nor the URL in clear. */
export function redisTelegramBudget(
  ctx: { readonly redis: Redis; readonly keys: RedisKeys },
  bot: { readonly token: string; readonly apiRoot: string },
  options: RedisBudgetOptions,
): RedisTelegramBudget {
  const id = createHash('sha256')
    .update(`${bot.apiRoot.replace(/\/+$/, '')} ${bot.token}`)
    .digest('hex')
    .slice(0, 16);
  return new RedisTelegramBudget(ctx.redis, ctx.keys.key('telegram', 'budget', id), options);
}

/** The log line of a budget that Redis stopped answering. */
export const budgetDown =
  (logger: { warn(obj: object, msg: string): void }) =>
  (err: unknown): void =>
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'Telegram budget shared in Redis unavailable; this process paces its own sends until it answers',
    );
