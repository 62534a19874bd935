/**
 * Proposal cards as they progress. When a card is sent its location is kept in Redis (so a restart or
 * another process can still edit it); a press or an order event then edits the card in place: the
 * original text, the progress lines so far, and no buttons once the core has answered.
 */
import { type Api, GrammyError } from 'grammy';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { renderMarkdown, telegramLength } from './format.ts';
import { oneAtATimePerKey } from './one-at-a-time.ts';
import type { CardInfo } from './outgoing.ts';

/** Cards stay editable this long; Telegram itself allows editing bot messages for 48 hours. */
const CARD_TTL_SECONDS = 48 * 3600;
const TEXT_LIMIT = 4096;

interface StoredCard {
  readonly chatId: string;
  readonly messageId: number;
  /** The Telegram user whose message produced the card: only their presses change it. */
  readonly requester?: string;
  readonly markdown: string;
  readonly lines: readonly string[];
}

export interface CardStore {
  remember(card: CardInfo, at: { chatId: string; messageId: number; requester?: string }): Promise<void>;
  /** Who asked for the card of `handle`, when it is on record. */
  requesterOf(handle: string): Promise<string | undefined>;
  /** Adds a progress line to the card of `handle` and edits it; false when the card is unknown. */
  progressByHandle(handle: string, line: string): Promise<boolean>;
  /** Same, found by order id (order events carry no handle). */
  progressByOrder(orderId: string, line: string): Promise<boolean>;
}

/** Whether Telegram refused an edit only because nothing changed: the card already says it. */
const notModified = (err: unknown) =>
  err instanceof GrammyError && /message is not modified/i.test(err.description);

export function createCardStore(api: Api, redis: Redis, keys: RedisKeys): CardStore {
  const cardKey = (handle: string) => keys.key('telegram', 'card', handle);
  const orderKey = (orderId: string) => keys.key('telegram', 'card-of-order', orderId);

  // A press and an order event may reach the same card together; each card's edits run one at a time.
  const inTurn = oneAtATimePerKey();
  const progress = (handle: string, line: string) => inTurn(handle, () => edit(handle, line));

  async function edit(handle: string, line: string): Promise<boolean> {
    const raw = await redis.get(cardKey(handle));
    if (!raw) return false;
    const card = JSON.parse(raw) as StoredCard;
    if (card.lines.at(-1) === line) return true;
    let lines = [...card.lines, line];
    const body = (ls: readonly string[]) => [card.markdown, ...ls].join('\n\n');
    // A card near the length limit keeps only its latest line rather than failing to edit.
    if (telegramLength(body(lines)) > TEXT_LIMIT) lines = [line];
    if (telegramLength(body(lines)) > TEXT_LIMIT) return false;
    await redis.set(cardKey(handle), JSON.stringify({ ...card, lines }), 'EX', CARD_TTL_SECONDS);
    try {
      // No reply_markup: the buttons go away, the core has decided.
      await api.editMessageText(card.chatId, card.messageId, renderMarkdown(body(lines)).html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
    } catch (err) {
      if (!notModified(err)) throw err;
    }
    return true;
  }

  return {
    async remember(card, at) {
      const stored: StoredCard = { ...at, markdown: card.markdown, lines: [] };
      const tx = redis.multi().set(cardKey(card.handle), JSON.stringify(stored), 'EX', CARD_TTL_SECONDS);
      if (card.orderId) tx.set(orderKey(card.orderId), card.handle, 'EX', CARD_TTL_SECONDS);
      await tx.exec();
    },
    async requesterOf(handle) {
      const raw = await redis.get(cardKey(handle));
      return raw ? (JSON.parse(raw) as StoredCard).requester : undefined;
    },
    progressByHandle: progress,
    async progressByOrder(orderId, line) {
      const handle = await redis.get(orderKey(orderId));
      return handle ? progress(handle, line) : false;
    },
  };
}
