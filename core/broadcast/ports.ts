/**
 * What the broadcaster needs from each chat platform (bots/telegram/signal-cards.ts,
 * bots/discord/signal-cards.ts implement it) and from the chart module. The adapters render; the
 * broadcaster decides what goes where, when, and what a failure means.
 */
import type { BroadcastSignal } from './signal-entry.ts';

export type BroadcastPlatform = 'telegram' | 'discord';

export interface CardChart {
  readonly png: Buffer;
  readonly alt: string;
}

export interface SendHooks {
  /** Stable per delivery: an idempotency key where the platform has one (Discord's nonce). */
  readonly key: string;
  /** Awaited right before the request leaves (after any rate-limit wait): the ledger notes "sending". */
  onDispatch(): Promise<void>;
}

export interface SignalChannel {
  readonly platform: BroadcastPlatform;
  /**
   * True when sending again with the same key cannot post twice (Discord enforces the nonce), so a
   * delivery whose outcome a crash left unknown is simply sent again. Otherwise it is dead-lettered
   * as uncertain rather than risk a duplicate.
   */
  readonly idempotent: boolean;
  sendCard(
    chatId: string,
    signal: BroadcastSignal,
    chart: CardChart | undefined,
    hooks: SendHooks,
  ): Promise<{ readonly messageId: string }>;
  /** The outcome, as a reply to the card when `replyTo` is known. */
  sendLifecycle(
    chatId: string,
    signal: BroadcastSignal,
    replyTo: string | undefined,
    hooks: SendHooks,
  ): Promise<{ readonly messageId: string }>;
  /** A DM to the admin who subscribed `chatTitle`, saying why signals stopped there. */
  tellAdmin(platformUserId: string, text: string): Promise<void>;
}

/**
 * retry: try again later (5xx, network, a 429 the sender could not wait out).
 * rejected: the platform refused this one message (it goes to signals:dlq; the chat is fine).
 * permanent: the chat refuses everything (bot removed, chat gone, no right to post): pause it.
 */
export type FailureKind = 'retry' | 'rejected' | 'permanent';

/** What adapters throw when a platform refused or could not be reached. */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';
  constructor(
    readonly kind: FailureKind,
    /** Safe to record and show an admin: "Forbidden: bot was kicked from the channel chat". */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** The chart of a card: candles around the signal with entry, stop and target drawn. */
export interface SignalCharts {
  chartFor(signal: BroadcastSignal): Promise<CardChart | undefined>;
}
