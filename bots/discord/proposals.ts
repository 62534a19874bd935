/**
 * Proposal cards after they are posted: their buttons are disabled when the proposal expires (unless a
 * press decided it first), and where each card lives is remembered in Redis by order id, so order
 * events can edit the outcome into it as the order progresses. Whether a press counts is never decided
 * here: that is the core's answer to the press.
 */
import type { Logger } from '../../core/logger.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { COLORS, type DiscordMessage, disableRows } from './render.ts';

export interface CardRef {
  readonly channelId: string;
  readonly messageId: string;
}

export type CardEdit = (message: DiscordMessage) => Promise<void>;

/** Cards are edited by order events for a day at most; orders that take longer still notify by DM. */
const CARD_TTL_SECONDS = 24 * 3600;
/** setTimeout's ceiling; a proposal never lives this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function expiredCard(card: DiscordMessage): DiscordMessage {
  return {
    ...card,
    embeds: card.embeds.map((e) => ({
      ...e,
      color: COLORS.muted,
      footer: { text: 'Expired · ask again for a fresh quote' },
    })),
    components: disableRows(card.components),
  };
}

export class ProposalCards {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    /** Order id inside a confirmation handle (core/trading readHandle); absent: no event edits. */
    private readonly orderIdOf?: (handle: string) => string | undefined,
  ) {}

  private key(orderId: string): string {
    return this.keys.key('discord', 'card', orderId);
  }

  private requesterKey(handle: string): string {
    return this.keys.key('discord', 'requester', handle);
  }

  /**
   * Starts watching a posted proposal card; `edit` changes that message in place. `requesterId` is the
   * Discord user whose request produced the card: presses by anyone else get the core's answer privately.
   */
  async track(card: DiscordMessage, where: CardRef, edit: CardEdit, requesterId: string): Promise<void> {
    const proposal = card.proposal;
    if (!proposal) return;
    const orderId = this.safeOrderId(proposal.handle);
    const pipeline = this.redis.multi();
    if (orderId) pipeline.set(this.key(orderId), JSON.stringify(where), 'EX', CARD_TTL_SECONDS);
    pipeline.set(this.requesterKey(proposal.handle), requesterId, 'EX', CARD_TTL_SECONDS);
    await pipeline.exec();
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, proposal.expiresAt.getTime() - Date.now()));
    const timer = setTimeout(() => {
      this.timers.delete(proposal.handle);
      edit(expiredCard(card)).catch((err: unknown) =>
        this.logger.warn({ err, messageId: where.messageId }, 'discord: could not disable an expired card'),
      );
    }, delay);
    timer.unref();
    this.timers.set(proposal.handle, timer);
  }

  /** A press decided the proposal (or found it stale): the card is no longer ours to expire. */
  decided(handle: string): void {
    clearTimeout(this.timers.get(handle));
    this.timers.delete(handle);
  }

  /** Who asked for the card's proposal (Discord user id), when still on record. */
  async requester(handle: string): Promise<string | undefined> {
    return (await this.redis.get(this.requesterKey(handle))) ?? undefined;
  }

  async where(orderId: string): Promise<CardRef | undefined> {
    const raw = await this.redis.get(this.key(orderId));
    return raw ? (JSON.parse(raw) as CardRef) : undefined;
  }

  /** Proposals still waiting for a press or their expiry (tests, metrics). */
  get pending(): number {
    return this.timers.size;
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private safeOrderId(handle: string): string | undefined {
    try {
      return this.orderIdOf?.(handle);
    } catch {
      return undefined;
    }
  }
}
