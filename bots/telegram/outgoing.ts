/**
 * Core replies → the Telegram messages that carry them: cut to Telegram's limits (counted on the visible
 * text), rendered to HTML, images as photos whose caption fits 1024 characters (the rest follows as
 * text), proposal cards as a message with an inline keyboard. Pure: both the bot and the broadcaster's
 * sender go through it, and the formatting test checks its output against the Bot API rules.
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { type ActionsReply, fitReplies, type PlatformLimits, type Reply } from '../../core/agent/reply.ts';
import { AppError } from '../../core/errors.ts';
import { renderMarkdown, telegramLength } from './format.ts';

/** The proposal behind a card message, so the adapter can edit the card as the order progresses. */
export interface CardInfo {
  readonly handle: string;
  /** The proposed order, when the core names it: order events find the card by it. */
  readonly orderId?: string;
  readonly ownerUserId: string;
  /** The card's own text (its last part), to which progress lines are added. */
  readonly markdown: string;
}

export type Outgoing =
  | {
      readonly kind: 'text';
      readonly html: string;
      readonly keyboard?: InlineKeyboardMarkup;
      readonly card?: CardInfo;
    }
  | { readonly kind: 'photo'; readonly png: Buffer; readonly filename: string; readonly caption?: string };

/** Telegram's callback_data is 1-64 bytes; the core promises this, a breach is our bug, not the user's. */
/** Bot API limits, in characters: a message and a photo caption. */
export const TELEGRAM_LIMITS: PlatformLimits = { text: 4096, caption: 1024 };

const CALLBACK_DATA_MAX_BYTES = 64;

export function keyboardOf(reply: ActionsReply): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      reply.buttons.map((b) => {
        const bytes = Buffer.byteLength(b.data, 'utf8');
        if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES)
          throw new AppError('ERR_INTERNAL', `button data of ${bytes} bytes does not fit callback_data`, {
            details: { action: b.action },
          });
        return { text: b.label, callback_data: b.data };
      }),
    ],
  };
}

function orderIdOf(reply: ActionsReply): { orderId?: string } {
  const orderId = (reply as { readonly orderId?: unknown }).orderId;
  return typeof orderId === 'string' ? { orderId } : {};
}

/** Shown on a card whose own text renders empty: Telegram refuses a message without text. */
const EMPTY_CARD_TEXT = 'Confirm or cancel:';

/**
 * Cuts replies to Telegram's limits. Source length is a cheap measure that is almost always at least the
 * visible length (markup disappears when rendered); only tables (padded columns) and blocks that the
 * renderer separates by a blank line can grow, so a part still too long after rendering is cut again
 * with the exact, slower measure. Keeps long replies from costing the event loop a second of splitting.
 */
function fitTelegram(replies: readonly Reply[]): Reply[] {
  const limits = TELEGRAM_LIMITS;
  const tooLong = (r: Reply) =>
    r.kind === 'image'
      ? r.caption !== undefined && telegramLength(r.caption) > limits.caption
      : telegramLength(r.markdown) > limits.text;
  return fitReplies(replies, limits).flatMap((r) =>
    tooLong(r) ? fitReplies([r], limits, telegramLength) : [r],
  );
}

export function toOutgoing(replies: readonly Reply[]): Outgoing[] {
  // Telegram photos have no alt text; without a caption the alt text is the caption, so nobody gets
  // an unexplained picture.
  const captioned = replies.map((r) =>
    r.kind === 'image' && r.caption === undefined ? { ...r, caption: escapeMarkdown(r.alt) } : r,
  );
  const out: Outgoing[] = [];
  for (const reply of fitTelegram(captioned)) {
    if (reply.kind === 'image') {
      const caption = reply.caption === undefined ? undefined : renderMarkdown(reply.caption).html;
      out.push({ kind: 'photo', png: reply.png, filename: reply.filename, ...(caption ? { caption } : {}) });
    } else if (reply.kind === 'actions') {
      const html = renderMarkdown(reply.markdown).html || EMPTY_CARD_TEXT;
      out.push({
        kind: 'text',
        html,
        keyboard: keyboardOf(reply),
        card: {
          handle: reply.handle,
          ownerUserId: reply.ownerUserId,
          markdown: reply.markdown,
          // Read structurally: older cores send cards without the order id.
          ...orderIdOf(reply),
        },
      });
    } else {
      const { html, plain } = renderMarkdown(reply.markdown);
      if (plain.trim()) out.push({ kind: 'text', html });
    }
  }
  return out;
}
