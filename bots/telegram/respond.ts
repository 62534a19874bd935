/**
 * One turn: show "typing" while the core works, hand it the inbound, send what it answers, and remember
 * any proposal card so it can be edited later. A failure becomes the core's user-facing sentence, never
 * a stack trace; it is logged with context and counted.
 */
import type { Api } from 'grammy';
import type { Inbound } from '../../core/agent/inbound.ts';
import { escapeMarkdown } from '../../core/agent/markdown.ts';
import { type Reply, text } from '../../core/agent/reply.ts';
import { toAppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { CardStore } from './cards.ts';
import type { AgentEntry } from './deps.ts';
import type { TelegramSender } from './send.ts';

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
  ask(inbound: Inbound): Promise<readonly Reply[]>;
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
}): Responder {
  const { api, agent, sender, cards, logger } = deps;

  async function ask(inbound: Inbound): Promise<readonly Reply[]> {
    const stop = showChatAction(api, inbound.chatId, 'typing');
    try {
      return await agent.handle(inbound);
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

  return {
    ask,
    say,
    async respond(inbound, options = {}) {
      let replies: readonly Reply[];
      try {
        replies = await ask(inbound);
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
