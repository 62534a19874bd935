/**
 * Discord events → the core's Inbound. Guild channels are "group" chats (announcement channels are
 * "channel"); anything without a guild is a DM. Only Manage Channels (or Administrator) makes a member
 * a chat admin, which the core reads for /subscribe.
 */
import {
  type BaseInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Message,
  PermissionFlagsBits,
} from 'discord.js';
import { type Inbound, InboundSchema } from '../../core/agent/inbound.ts';

type Where = Pick<BaseInteraction, 'user' | 'channelId' | 'guildId' | 'memberPermissions' | 'channel'>;

/** The key under which a subcommand's name reaches the core: `/keys link` → `{ action: 'link', ... }`. */
export const SUBCOMMAND_ARG = 'action';

function chatKind(where: {
  guildId: string | null;
  channel: { type: ChannelType } | null;
}): Inbound['chatKind'] {
  if (!where.guildId) return 'dm';
  return where.channel?.type === ChannelType.GuildAnnouncement ? 'channel' : 'group';
}

function base(where: Where) {
  return {
    platform: 'discord' as const,
    platformUserId: where.user.id,
    username: where.user.username.slice(0, 64),
    chatId: where.channelId ?? where.user.id,
    chatKind: chatKind(where),
    ...(where.guildId
      ? { isChatAdmin: where.memberPermissions?.has(PermissionFlagsBits.ManageChannels, true) ?? false }
      : {}),
  };
}

function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    if (o.options) Object.assign(out, { [SUBCOMMAND_ARG]: o.name }, optionValues(o.options));
    else if (o.value !== undefined) out[o.name] = o.value;
    else if (o.user) out[o.name] = o.user.id;
    else if (o.channel) out[o.name] = o.channel.id;
  }
  return out;
}

export function commandInbound(
  interaction: ChatInputCommandInteraction,
  extra: Readonly<Record<string, unknown>> = {},
): Inbound {
  return InboundSchema.parse({
    ...base(interaction),
    kind: 'command',
    command: interaction.commandName,
    args: { ...optionValues(interaction.options.data), ...extra },
  });
}

export function commandInboundFrom(
  where: Where,
  command: string,
  args: Readonly<Record<string, unknown>>,
): Inbound {
  return InboundSchema.parse({ ...base(where), kind: 'command', command, args });
}

export function buttonInbound(where: Where, action: 'confirm' | 'cancel', handle: string): Inbound {
  return InboundSchema.parse({ ...base(where), kind: 'button', action, handle });
}

/** A message that mentions the bot, or any DM: the mention itself is not part of what was said. */
export function messageInbound(message: Message, botId: string): Inbound {
  const text = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), '').trim();
  return InboundSchema.parse({
    platform: 'discord',
    platformUserId: message.author.id,
    username: message.author.username.slice(0, 64),
    chatId: message.channelId,
    chatKind: message.guildId ? chatKind({ guildId: message.guildId, channel: message.channel }) : 'dm',
    ...(message.guildId
      ? { isChatAdmin: message.member?.permissions.has(PermissionFlagsBits.ManageChannels, true) ?? false }
      : {}),
    kind: 'text',
    text: text.slice(0, 8_000),
  });
}
