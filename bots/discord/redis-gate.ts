/**
 * Discord's global limit (50 bot requests per second per token), kept for every process that sends for
 * one token (the `bots` role and a broadcaster in another role) and without relying on clocks agreeing.
 *
 * Discord counts a request when it ARRIVES, which the sender cannot see: new connections, serialisation
 * and the network delay some requests more than others, so requests sent 1000 ms apart may arrive
 * closer together (measured: a sliding window on send times with 50-100 ms of margin still drew global
 * 429s from the strict fake). What the sender does know is that a request arrived before its response
 * came back. So a slot is held from send until the response, and for `windowMs` after it: the 51st
 * request leaves only `windowMs` after the 1st one's response, hence arrives more than `windowMs` after
 * the 1st arrived, whatever the delays. The cost is one round trip per window.
 *
 * The rule and its script are core/response-window.ts, which Telegram's shared budget uses too. The
 * slots are a Redis sorted set, scored on Redis' clock, so processes with skewed clocks still agree;
 * a process that dies mid-request holds its slot for `leaseMs` at most. discord.js counts the same limit
 * in fixed windows that open at the first request; two windows back to back let up to ~100 requests into
 * one second (measured: 31-88 global 429s per 200 messages).
 *
 * Slots are also spaced `windowMs / limit` apart (20 ms for Discord's 50/s; a few may go together). Without that a full window
 * opens all at once: 50 requests leave together, queue behind each other at Discord (and in our own
 * event loop answering them), so the last response, and with it the next window, comes late — every
 * window then costs 1000 ms plus the time to answer 50 requests at once (measured under load: 71 % of
 * the allowed rate). Spaced, each request meets a short queue and the window turns over at about the
 * allowed rate. Within one process, callers take their turn in order, one asking Redis at a time,
 * instead of each polling it.
 *
 * When Redis does not answer within `askTimeoutMs`, the process paces its own requests alone (the same
 * rule and spacing in memory, so at most `limit` per window arrive from it) for `aloneMs` before asking
 * Redis again, rather than
 * stop answering its users until Redis is back. Two processes pacing alone may together exceed the
 * limit; Discord then answers 429 and discord.js waits and retries, which is still better than silence.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from '../../core/redis.ts';
import { answered, type Release, type ResponseWindow, takeSlotsWithin } from '../../core/response-window.ts';

export type { Release };

export interface GlobalGate {
  /** Resolves when one request may be sent now; call the returned function when its response arrived. */
  acquire(signal?: AbortSignal): Promise<Release>;
}

export interface GateOptions {
  readonly limit: number;
  readonly windowMs: number;
  /** How long a slot whose response never came back is held. Default 30 s. */
  readonly leaseMs?: number;
  /** An ask unanswered for this long counts as Redis unavailable. Default 1 s. */
  readonly askTimeoutMs?: number;
  /** How long the process then paces alone before it asks Redis again. Default 5 s. */
  readonly aloneMs?: number;
  /** Redis did not answer: the process paces alone. Called at most once a minute. */
  readonly onUnavailable?: (err: unknown) => void;
}

/** Slots the spaced schedule may run ahead by (taken at once). */
const BURST_SLOTS = 5;

/** Longest pause between two attempts when the window is full. */
const MAX_POLL_MS = 50;

export class RedisResponseWindowGate implements GlobalGate {
  private readonly leaseMs: number;
  private readonly askTimeoutMs: number;
  private readonly aloneMs: number;
  private readonly window: ResponseWindow;
  /** The caller before this one in this process: it asks Redis first. */
  private turn: Promise<void> = Promise.resolve();
  /** Until then (performance.now()), Redis is not asked: it did not answer. */
  private aloneUntil = Number.NEGATIVE_INFINITY;
  /** When pacing alone: the earliest moment of the next request, requests in flight, recent answers. */
  private aloneNext = Number.NEGATIVE_INFINITY;
  private aloneInFlight = 0;
  private readonly aloneAnswered: number[] = [];
  private lastWarning = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: Redis,
    key: string,
    private readonly options: GateOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.askTimeoutMs = options.askTimeoutMs ?? 1_000;
    this.aloneMs = options.aloneMs ?? 5_000;
    const spacingMs = Math.floor(options.windowMs / options.limit);
    this.window = {
      key,
      limit: options.limit,
      windowMs: options.windowMs,
      spacingMs,
      burstMs: spacingMs * BURST_SLOTS,
    };
  }

  async acquire(signal?: AbortSignal): Promise<Release> {
    const before = this.turn;
    let done!: () => void;
    this.turn = new Promise((resolve) => {
      done = resolve;
    });
    try {
      await before;
      return await this.take(signal);
    } finally {
      done();
    }
  }

  private async take(signal?: AbortSignal): Promise<Release> {
    const member = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      if (performance.now() < this.aloneUntil) return this.paceAlone(signal);
      let wait: number;
      try {
        const take = { member, leaseMs: this.leaseMs, pollMs: MAX_POLL_MS };
        wait = await takeSlotsWithin(this.redis, [this.window], take, this.askTimeoutMs);
      } catch (err) {
        this.unavailable(err);
        return this.paceAlone(signal);
      }
      if (wait === 0) return this.releaser(member);
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_POLL_MS)));
    }
  }

  /**
   * This process alone: the same rule in memory (a slot held from send until the answer and for the
   * window after it) and the same spacing.
   */
  private async paceAlone(signal?: AbortSignal): Promise<Release> {
    const { limit, windowMs, spacingMs = 0 } = this.window;
    for (;;) {
      signal?.throwIfAborted();
      const now = performance.now();
      while (this.aloneAnswered.length > 0 && now - this.aloneAnswered[0]! >= windowMs)
        this.aloneAnswered.shift();
      const held = this.aloneInFlight + this.aloneAnswered.length;
      const wait =
        held < limit
          ? Math.max(0, this.aloneNext - now)
          : this.aloneAnswered.length > 0
            ? this.aloneAnswered[0]! + windowMs - now
            : MAX_POLL_MS;
      if (wait <= 0) break;
      await sleep(Math.min(wait, MAX_POLL_MS), undefined, signal ? { signal } : undefined);
    }
    this.aloneNext = performance.now() + spacingMs;
    this.aloneInFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.aloneInFlight--;
      this.aloneAnswered.push(performance.now());
    };
  }

  private unavailable(err: unknown): void {
    const now = performance.now();
    this.aloneUntil = now + this.aloneMs;
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.options.onUnavailable?.(err);
  }

  private releaser(member: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A lost release only keeps the slot until its lease ends; never worth failing a send for.
      answered(this.redis, [this.window], member).catch(() => undefined);
    };
  }
}
