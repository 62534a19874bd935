/**
 * Free text: every DM, and channel messages that mention the bot, go to the agent; the replies answer
 * the message. Proposal cards posted this way are tracked like slash-command ones, edited through the
 * channel (there is no interaction token).
 */
import type { Message } from 'discord.js';
import { errorsTotal } from '../../core/metrics.ts';
import type { BotEnv } from './env.ts';
import { messageInbound } from './inbound.ts';
import { type DiscordMessage, renderReplies } from './render.ts';
import { failureMessage } from './respond.ts';

export function isForUs(message: Message, botId: string): boolean {
  if (message.author.bot || message.system) return false;
  return !message.guildId || message.mentions.users.has(botId);
}

export async function onMessage(message: Message, botId: string, env: BotEnv): Promise<void> {
  if (!isForUs(message, botId)) return;
  // "typing…" while the agent works; purely cosmetic, so its failure is ignored.
  if ('sendTyping' in message.channel) message.channel.sendTyping().catch(() => undefined);
  let messages: DiscordMessage[];
  try {
    messages = renderReplies(await env.agent.handle(messageInbound(message, botId)));
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
