/**
 * A slash command: acknowledged at once (deferred: the agent, the LLM and charts may take longer than
 * Discord's 3 seconds), then the core's replies are edited in. Commands the core calls personal answer
 * only to the user (ephemeral); commands whose arguments are secrets open a modal instead
 * (keys-modal.ts).
 */
import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { Answer } from '../../core/agent/answer.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { BotEnv } from './env.ts';
import { commandInbound } from './inbound.ts';
import { needsModal, showSecretsModal } from './keys-modal.ts';
import { COLORS, type DiscordMessage } from './render.ts';
import { answerMessages, deliver, failureMessage, messageOptions } from './respond.ts';

export const PRIVATE_POINTER = 'That answer is personal: only you can see it, below.';

/**
 * The acknowledgement has to choose before the core answers, from the command's policy. Should the
 * core still call a public answer personal, the public placeholder says so and the answer follows
 * privately.
 */
function privateMessages(answer: Answer, ephemeral: boolean, inGuild: boolean): DiscordMessage[] | undefined {
  if (ephemeral || !inGuild || answer.kind !== 'replies' || answer.audience !== 'owner') return undefined;
  return [{ embeds: [{ description: PRIVATE_POINTER, color: COLORS.muted }], files: [], components: [] }];
}

export async function onChatInput(interaction: ChatInputCommandInteraction, env: BotEnv): Promise<void> {
  const source = env.sources.get(interaction.commandName);
  if (source && needsModal(source, interaction)) return showSecretsModal(interaction, source);

  // In a DM everything is private already; "ephemeral" only matters in guild channels.
  const personal = source?.personal ?? false;
  // An admin command run by a member without Manage Channels will most likely be refused by the core:
  // that refusal is nobody else's business. (The core still decides; this only picks who sees it.)
  const unprivileged =
    Boolean(source?.adminInGroups) &&
    !interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels, true);
  const ephemeral = (personal || unprivileged) && interaction.inGuild();
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});

  let messages: DiscordMessage[];
  try {
    const answer = await env.agent.answer(commandInbound(interaction));
    const pointer = privateMessages(answer, ephemeral, interaction.inGuild());
    if (pointer) {
      await deliver(interaction, pointer, false);
      for (const msg of answerMessages(answer))
        await interaction.followUp({ ...messageOptions(msg), flags: MessageFlags.Ephemeral });
      return;
    }
    messages = answerMessages(answer);
  } catch (err) {
    const { message, error } = failureMessage(err);
    env.logger.error({ err, code: error.code, command: interaction.commandName }, 'discord: command failed');
    errorsTotal.inc({ code: error.code, where: 'discord.command' });
    messages = [message];
  }
  const delivered = await deliver(interaction, messages, ephemeral);
  for (const d of delivered) {
    if (!d.message.proposal) continue;
    await env.cards.track(
      d.message,
      d,
      // The interaction token edits any reply for 15 minutes; after that only a public card can be
      // edited, through the channel.
      async (edit) => {
        await interaction.webhook
          .editMessage(d.messageId, messageEdit(edit))
          .catch((err: unknown) => (ephemeral ? Promise.reject(err) : env.sender.edit(d, edit)));
      },
      interaction.user.id,
    );
  }
}

function messageEdit(msg: DiscordMessage) {
  return { embeds: [...msg.embeds], components: [...msg.components], allowedMentions: { parse: [] } };
}
