/**
 * One turn: show "typing" while the core works, hand it the inbound, send what it answers, and remember
 * any proposal card so it can be edited later. A failure becomes the core's user-facing sentence, never
 * a stack trace; it is logged with context and counted.
 *
 * The core says who may read an answer. A personal one (`audience: 'owner'`) asked in a group or
 * channel goes to the asker's DM, with a short pointer where it was asked; when Telegram does not let
 * the bot write first (the user never started a chat with it), the pointer asks them to.
 */
import { type Api, GrammyError } from 'grammy';
import type { Answer } from '../../core/agent/answer.ts';
import type { Inbound } from '../../core/agent/inbound.ts';
import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { type Reply, text } from '../../core/agent/reply.ts';
import { toAppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { CardStore } from './cards.ts';
import type { AgentEntry } from './deps.ts';
import type { TelegramSender } from './send.ts';

export const SENT_TO_DM = '📬 That answer is personal: I sent it to you in a direct message.';
export const openDmFirst = (bot: string) =>
  `That answer is personal, so I only send it in a direct message. Telegram lets me write to you once you have started a chat with me: open t.me/${bot}, press Start, then ask again there.`;
export const NO_DM_FOR_CHATS =
  'That answer is personal and this chat speaks as itself, so I cannot send it anywhere private. Ask me in a direct message.';

/** Telegram shows a chat action for 5 seconds; it is renewed a little before that while work goes on. */
const CHAT_ACTION_RENEW_MS = 4_500;

export type ChatAction = 'typing' | 'upload_photo';

/** Shows `action` in `chatId` until the returned function is called. */
export function showChatAction(api: Api, chatId: string, action: ChatAction): () => void {
  const send = () => void api.sendChatAction(chatId, action).catch(() => {});
  send();
  const timer = setInterval(send, CHAT_ACTION_RENEW_MS);
  return () => clearInterval(timer);
}

export interface Responder {
  /** Runs the core on `inbound` and sends its replies to the inbound's chat. */
  respond(inbound: Inbound, options?: { replyTo?: number }): Promise<void>;
  /** Asks the core without sending anything (button presses render into the card instead). */
  ask(inbound: Inbound): Promise<Answer>;
  /**
   * Sends replies (the core's, or a notice the adapter composed) and records any card with the Telegram
   * user it answers (`requester`).
   */
  say(
    chatId: string,
    replies: readonly Reply[],
    options?: { replyTo?: number; requester?: string },
  ): Promise<void>;
}

export function createResponder(deps: {
  readonly api: Api;
  readonly agent: AgentEntry;
  readonly sender: TelegramSender;
  readonly cards: CardStore;
  readonly logger: Logger;
  readonly orderIdOf?: (handle: string) => string | undefined;
  /** The bot's @username, for the "start a chat with me" pointer. */
  readonly botUsername: string;
}): Responder {
  const { api, agent, sender, cards, logger } = deps;

  async function ask(inbound: Inbound): Promise<Answer> {
    const stop = showChatAction(api, inbound.chatId, 'typing');
    try {
      return await agent.answer(inbound);
    } finally {
      stop();
    }
  }

  async function say(
    chatId: string,
    replies: readonly Reply[],
    options: { replyTo?: number; requester?: string } = {},
  ) {
    const sent = await sender.send(
      chatId,
      replies,
      options.replyTo === undefined ? {} : { replyTo: options.replyTo },
    );
    for (const m of sent) {
      if (!m.card) continue;
      const orderId = m.card.orderId ?? deps.orderIdOf?.(m.card.handle);
      await cards.remember(orderId ? { ...m.card, orderId } : m.card, {
        chatId: m.chatId,
        messageId: m.messageId,
        ...(options.requester ? { requester: options.requester } : {}),
      });
    }
  }

  /** A personal answer asked in a shared chat: to the asker's DM, a pointer (never the data) here. */
  async function privately(inbound: Inbound, replies: readonly Reply[], options: { replyTo?: number }) {
    const requester = inbound.platformUserId;
    // A channel post or an anonymous admin speaks as the chat: there is nobody to write to privately.
    if (requester === inbound.chatId || requester.startsWith('-'))
      return say(inbound.chatId, [text(NO_DM_FOR_CHATS)], options);
    let pointer = SENT_TO_DM;
    try {
      await say(requester, replies, { requester });
    } catch (err) {
      // 403: the user never started a chat with the bot (or blocked it); 400: no such private chat.
      if (!(err instanceof GrammyError) || (err.error_code !== 403 && err.error_code !== 400)) throw err;
      logger.info({ chatId: inbound.chatId, code: err.error_code }, 'personal answer: no DM possible');
      pointer = openDmFirst(deps.botUsername);
    }
    await say(inbound.chatId, [text(escapeMarkdown(pointer))], options);
  }

  return {
    ask,
    say,
    async respond(inbound, options = {}) {
      let replies: readonly Reply[];
      try {
        const answer = await ask(inbound);
        if (answer.kind === 'error') replies = [text(escapeMarkdown(answer.message))];
        else if (answer.audience === 'owner' && inbound.chatKind !== 'dm')
          return await privately(inbound, answer.replies, options);
        else replies = answer.replies;
      } catch (err) {
        const appError = toAppError(err);
        errorsTotal.inc({ code: appError.code, where: 'telegram.agent' });
        logger.error(
          { err: appError, chatId: inbound.chatId, kind: inbound.kind },
          'agent failed on a Telegram message',
        );
        replies = [text(escapeMarkdown(appError.userMessage))];
      }
      await say(inbound.chatId, replies, { ...options, requester: inbound.platformUserId });
    },
  };
}
