/**
 * Telegram updates → the core's Inbound. Only translation: who (user, or the channel itself for channel
 * posts), where (chat id and kind), and what (command with its raw arguments, text, or a button press).
 */
import type { Chat, Message, UserFromGetMe } from 'grammy/types';
import { type Inbound, InboundSchema } from '../../core/agent/inbound.ts';

export type ChatKind = Inbound['chatKind'];

export function chatKindOf(chat: Pick<Chat, 'type'>): ChatKind {
  if (chat.type === 'private') return 'dm';
  if (chat.type === 'channel') return 'channel';
  return 'group';
}

export interface Sender {
  readonly platformUserId: string;
  readonly username?: string;
}

/**
 * Who sent `message`. Channel posts and anonymous group admins have no user: the chat they speak for
 * acts (only its admins can speak as it).
 */
export function senderOf(message: Pick<Message, 'from' | 'sender_chat' | 'chat'>): Sender | undefined {
  if (message.sender_chat) {
    const username = message.sender_chat.type === 'private' ? undefined : message.sender_chat.username;
    return { platformUserId: String(message.sender_chat.id), ...(username ? { username } : {}) };
  }
  if (!message.from || message.from.is_bot) return undefined;
  return {
    platformUserId: String(message.from.id),
    ...(message.from.username ? { username: message.from.username } : {}),
  };
}

/** True when the message speaks as its own chat (channel post, anonymous admin): only admins can. */
export function speaksAsChat(message: Pick<Message, 'sender_chat' | 'chat'>): boolean {
  return message.sender_chat?.id === message.chat.id;
}

export interface ParsedCommand {
  readonly name: string;
  readonly args: string;
}

/**
 * "/price@CryptoPulseBot btc" → { name: "price", args: "btc" }. A command addressed to another bot
 * (@OtherBot) is not ours: undefined.
 */
export function parseCommand(text: string, botUsername: string): ParsedCommand | undefined {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?=\s|$)\s*([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  if (m[2] && m[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[3] ?? '').trim() };
}

/** Whether a group message is meant for the bot: it mentions it or replies to one of its messages. */
export function addressesBot(message: Message, me: UserFromGetMe): boolean {
  if (message.reply_to_message?.from?.id === me.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  return entities.some(
    (e) =>
      (e.type === 'mention' &&
        text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me.username.toLowerCase()}`) ||
      (e.type === 'text_mention' && e.user.id === me.id),
  );
}

/** The text with "@BotName" mentions of this bot taken out. */
export function withoutMention(text: string, me: UserFromGetMe): string {
  return text
    .replace(new RegExp(`@${me.username}\\b`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Builds and validates an Inbound; user-controlled strings are cut to what the schema accepts. */
export function toInbound(
  base: { sender: Sender; chat: Pick<Chat, 'id' | 'type'>; isChatAdmin?: boolean },
  what:
    | { kind: 'text'; text: string }
    | { kind: 'command'; command: string; args: string }
    | { kind: 'button'; action: 'confirm' | 'cancel'; handle: string },
): Inbound {
  const common = {
    platform: 'telegram' as const,
    platformUserId: base.sender.platformUserId,
    ...(base.sender.username ? { username: base.sender.username.slice(0, 64) } : {}),
    chatId: String(base.chat.id),
    chatKind: chatKindOf(base.chat),
    ...(base.isChatAdmin === undefined ? {} : { isChatAdmin: base.isChatAdmin }),
  };
  if (what.kind === 'text')
    return InboundSchema.parse({ ...common, kind: 'text', text: what.text.slice(0, 8_000) });
  if (what.kind === 'command')
    return InboundSchema.parse({
      ...common,
      kind: 'command',
      command: what.command,
      args: what.args.slice(0, 4_000),
    });
  return InboundSchema.parse({ ...common, kind: 'button', action: what.action, handle: what.handle });
}
