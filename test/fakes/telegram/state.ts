/** What the fake Bot API remembers, for the bot to read back and for tests to assert on. */
import type { MessageEntity } from './html.ts';

export interface InlineButton {
  readonly text: string;
  readonly callback_data?: string;
  readonly url?: string;
}

export interface SentMessage {
  readonly chatId: string;
  readonly messageId: number;
  readonly method: 'sendMessage' | 'sendPhoto';
  /** Visible text (or caption) after entity parsing, as a Telegram client shows it. */
  text: string;
  entities: readonly MessageEntity[];
  keyboard?: readonly (readonly InlineButton[])[];
  readonly photo?: { readonly bytes: number; readonly filename: string };
  readonly replyTo?: number;
  /** Every edit, oldest first. */
  readonly edits: { readonly text: string; readonly keyboard?: readonly (readonly InlineButton[])[] }[];
  readonly at: number;
}

export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly text?: string;
  readonly showAlert: boolean;
}

export interface FakeState {
  readonly messages: SentMessage[];
  readonly callbackAnswers: CallbackAnswer[];
  readonly chatActions: { readonly chatId: string; readonly action: string }[];
  readonly deleted: { readonly chatId: string; readonly messageId: number }[];
  /** setMyCommands by scope, keyed by the scope's JSON ({"type":"default"} when none). */
  readonly commands: Map<string, readonly { command: string; description: string }[]>;
  /** Chat member status per chat and user: "creator", "administrator", "member", … (default member). */
  readonly members: Map<string, Map<string, string>>;
  /** Messages from users the bot has seen, so deleteMessage can find them. */
  readonly userMessages: Set<string>;
  readonly files: Map<string, { readonly path: string; readonly bytes: Buffer }>;
  webhook?: { readonly url: string; readonly secret?: string };
  /** Every paced call, accepted or refused with 429. */
  readonly attempts: { readonly chatId: string; readonly at: number; readonly accepted: boolean }[];
  /** Every call by method, for tests that count calls. */
  readonly calls: { readonly method: string; readonly payload: Readonly<Record<string, unknown>> }[];
}

export function emptyState(): FakeState {
  return {
    messages: [],
    callbackAnswers: [],
    chatActions: [],
    deleted: [],
    commands: new Map(),
    members: new Map(),
    userMessages: new Set(),
    files: new Map(),
    attempts: [],
    calls: [],
  };
}

export const messageKey = (chatId: string | number, messageId: number) => `${chatId}:${messageId}`;
