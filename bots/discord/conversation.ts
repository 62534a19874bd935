/**
 * Free text: every DM, and channel messages that mention the bot, go to the agent; the replies answer
 * the message. Proposal cards posted this way are tracked like slash-command ones, edited through the
 * channel (there is no interaction token).
 *
 * A message cannot be answered ephemerally, so an answer the core calls personal (`audience: 'owner'`)
 * asked in a guild channel goes to the asker's DM, with a short pointer in the channel; when the user
 * does not accept DMs from the server, the pointer says how to get it privately instead.
 */
import type { Message } from 'discord.js';
import type { Answer } from '../../core/agent/answer.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { BotEnv } from './env.ts';
import { messageInbound } from './inbound.ts';
import { COLORS, type DiscordMessage } from './render.ts';
import { answerMessages, failureMessage } from './respond.ts';
import { DeliveryError } from './sender.ts';

export const SENT_TO_DM = '📬 That answer is personal: I sent it to you in a direct message.';
export const DM_CLOSED =
  'That answer is personal and your direct messages are closed to me. Allow DMs from this server, or use the slash command: its answer is shown only to you.';

const note = (description: string): DiscordMessage => ({
  embeds: [{ description, color: COLORS.muted }],
  files: [],
  components: [],
});

export function isForUs(message: Message, botId: string): boolean {
  if (message.author.bot || message.system) return false;
  return !message.guildId || message.mentions.users.has(botId);
}

/** The personal answer to the author's DM; what the channel reads instead (never the data). */
async function privately(message: Message, messages: readonly DiscordMessage[], env: BotEnv) {
  try {
    for (const msg of messages) {
      const sent = await env.sender.sendDirect(message.author.id, msg);
      if (msg.proposal)
        await env.cards.track(msg, sent, (edit) => env.sender.edit(sent, edit), message.author.id);
    }
    return note(SENT_TO_DM);
  } catch (err) {
    if (!(err instanceof DeliveryError) || !err.permanent) throw err;
    env.logger.info({ code: err.code, channelId: message.channelId }, 'discord: personal answer, DMs closed');
    return note(DM_CLOSED);
  }
}

export async function onMessage(message: Message, botId: string, env: BotEnv): Promise<void> {
  if (!isForUs(message, botId)) return;
  // "typing…" while the agent works; purely cosmetic, so its failure is ignored.
  if ('sendTyping' in message.channel) message.channel.sendTyping().catch(() => undefined);
  let messages: DiscordMessage[];
  try {
    const answer: Answer = await env.agent.answer(messageInbound(message, botId));
    messages =
      answer.kind === 'replies' && answer.audience === 'owner' && message.guildId
        ? [await privately(message, answerMessages(answer), env)]
        : answerMessages(answer);
  } catch (err) {
    const { message: failure, error } = failureMessage(err);
    env.logger.error({ err, code: error.code, channelId: message.channelId }, 'discord: message failed');
    errorsTotal.inc({ code: error.code, where: 'discord.message' });
    messages = [failure];
  }
  for (const [i, msg] of messages.entries()) {
    const sent = await env.sender.send(message.channelId, msg, i === 0 ? { replyTo: message.id } : {});
    if (msg.proposal)
      await env.cards.track(msg, sent, (edit) => env.sender.edit(sent, edit), message.author.id);
  }
}
