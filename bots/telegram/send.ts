/**
 * Getting messages to Telegram: every call that posts into a chat goes through one Outbox (installed as a
 * grammY API transformer, so replies, notifications and broadcasts share one budget), and
 * `TelegramSender` turns core replies into those calls for one chat at a time. The signal broadcaster
 * uses the sender: it resolves once Telegram accepted every part, and rejects with Telegram's error
 * otherwise, so the broadcaster can acknowledge, retry or dead-letter. Nothing is dropped silently.
 */
import { type Api, GrammyError, HttpError, InputFile, type Transformer } from 'grammy';
import type { ReplyParameters } from 'grammy/types';
import type { Reply } from '../../core/agent/reply.ts';
import { DeliveryFailure } from '../../core/broadcast/ports.ts';
import { oneAtATimePerKey } from './one-at-a-time.ts';
import { type Outbox, OutboxClosedError } from './outbox.ts';
import { type CardInfo, type Outgoing, toOutgoing } from './outgoing.ts';

/** Methods that post into a chat and count against Telegram's message limits. */
const PACED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendAudio',
  'sendVoice',
  'sendSticker',
  'sendMediaGroup',
  'sendLocation',
  'sendPoll',
  'sendDice',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
  // Edits are paced too so an edit never overtakes the message it follows.
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageReplyMarkup',
]);

function chatIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || !('chat_id' in payload)) return undefined;
  const id = payload.chat_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The grammY transformer that routes chat-posting calls through `outbox`. */
export function pacedBy(outbox: Outbox): Transformer {
  return (prev, method, payload, signal) => {
    const chatId = PACED_METHODS.has(method) ? chatIdOf(payload) : undefined;
    if (chatId === undefined) return prev(method, payload, signal);
    return outbox.enqueue(chatId, () => prev(method, payload, signal));
  };
}

export interface SentMessage {
  readonly chatId: string;
  readonly messageId: number;
  /** Set when the message is a proposal card with Confirm/Cancel. */
  readonly card?: CardInfo;
}

export interface SendOptions {
  /** Answer to this message (groups: the bot's reply is attached to the question). */
  readonly replyTo?: number;
}

/** Posts one rendered message. Photos announce themselves with the upload_photo chat action. */
export async function postOutgoing(
  api: Api,
  chatId: string,
  message: Outgoing,
  options: SendOptions = {},
): Promise<SentMessage> {
  const reply_parameters: ReplyParameters | undefined =
    options.replyTo === undefined
      ? undefined
      : { message_id: options.replyTo, allow_sending_without_reply: true };
  if (message.kind === 'photo') {
    await api.sendChatAction(chatId, 'upload_photo').catch(() => {
      // A chat action is a courtesy; the photo itself still goes out.
    });
    const sent = await api.sendPhoto(chatId, new InputFile(message.png, message.filename), {
      ...(message.caption ? { caption: message.caption, parse_mode: 'HTML' as const } : {}),
      ...(reply_parameters ? { reply_parameters } : {}),
    });
    return { chatId, messageId: sent.message_id };
  }
  const sent = await api.sendMessage(chatId, message.html, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(message.keyboard ? { reply_markup: message.keyboard } : {}),
    ...(reply_parameters ? { reply_parameters } : {}),
  });
  return { chatId, messageId: sent.message_id, ...(message.card ? { card: message.card } : {}) };
}

export interface TelegramSender {
  /**
   * Sends `replies` to `chatId` in order, after everything sent earlier through this sender to that
   * chat; resolves with the messages Telegram accepted, rejects with the first refusal.
   */
  send(chatId: string, replies: readonly Reply[], options?: SendOptions): Promise<SentMessage[]>;
}

export function createTelegramSender(api: Api): TelegramSender {
  // Per chat, each send starts after the previous one ended, so two replies never interleave.
  const inTurn = oneAtATimePerKey();
  return {
    send(chatId, replies, options = {}) {
      const messages = toOutgoing(replies);
      return inTurn(chatId, async () => {
        const sent: SentMessage[] = [];
        // Only the first part answers the question; the rest follow it.
        for (const [i, m] of messages.entries())
          sent.push(await postOutgoing(api, chatId, m, i === 0 ? options : {}));
        return sent;
      });
    },
  };
}

/**
 * Telegram's answer → what whoever retries (the broadcaster, the notifier's feed) should do about it:
 * 429, 5xx and network trouble may pass; a chat that is gone or closed to the bot will not.
 */
export function toFailure(err: unknown): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  if (err instanceof GrammyError) {
    const d = err.description;
    if (err.error_code === 429 || err.error_code >= 500)
      return new DeliveryFailure('retry', d, { cause: err });
    if (
      err.error_code === 403 ||
      /chat not found|group chat was upgraded|not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|bot is not a member/i.test(
        d,
      )
    )
      return new DeliveryFailure('permanent', d, { cause: err });
    return new DeliveryFailure('rejected', d, { cause: err });
  }
  if (err instanceof HttpError || err instanceof OutboxClosedError)
    return new DeliveryFailure('retry', err.message, { cause: err });
  return new DeliveryFailure('retry', err instanceof Error ? err.message : String(err), { cause: err });
}
