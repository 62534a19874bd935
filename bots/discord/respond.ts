/**
 * Putting rendered messages into an interaction that was already deferred: the first replaces the
 * "thinking…" placeholder, the rest follow up with the same visibility. Failures the user must see are
 * the core's user sentence, never a stack trace.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
  MessageFlags,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Answer } from '../../core/agent/answer.ts';
import { type AppError, toAppError } from '../../core/errors.ts';
import { COLORS, type DiscordMessage, renderReplies } from './render.ts';

type Repliable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export function messageOptions(msg: DiscordMessage) {
  return {
    ...(msg.content !== undefined ? { content: msg.content } : {}),
    embeds: [...msg.embeds],
    components: [...msg.components],
    files: msg.files.map((f) => ({ attachment: f.data, name: f.name, description: f.description })),
    allowedMentions: { parse: [] },
  } satisfies InteractionEditReplyOptions;
}

export interface Delivered {
  readonly message: DiscordMessage;
  readonly messageId: string;
  readonly channelId: string;
}

/** Sends `messages` into a deferred interaction; returns where each one landed. */
export async function deliver(
  interaction: Repliable,
  messages: readonly DiscordMessage[],
  ephemeral: boolean,
): Promise<Delivered[]> {
  const out: Delivered[] = [];
  const [first, ...rest] = messages.length ? messages : [emptyMessage()];
  const original = await interaction.editReply(messageOptions(first!));
  out.push({ message: first!, messageId: original.id, channelId: original.channelId });
  for (const msg of rest) {
    const sent = await interaction.followUp({
      ...messageOptions(msg),
      ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    });
    out.push({ message: msg, messageId: sent.id, channelId: sent.channelId });
  }
  return out;
}

function emptyMessage(): DiscordMessage {
  return { embeds: [{ description: 'Done.', color: COLORS.muted }], files: [], components: [] };
}

/** The core's answer as messages: its replies, or its refusal's sentence. */
export function answerMessages(answer: Answer): DiscordMessage[] {
  return answer.kind === 'error' ? [errorMessage(answer.message)] : renderReplies(answer.replies);
}

export function errorMessage(error: AppError | string): DiscordMessage {
  const text = typeof error === 'string' ? error : error.userMessage;
  return { embeds: [{ description: text, color: COLORS.down }], files: [], components: [] };
}

/** The user's sentence for any failure, logged with its context by the caller. */
export function failureMessage(err: unknown): { message: DiscordMessage; error: AppError } {
  const error = toAppError(err);
  return { message: errorMessage(error), error };
}
