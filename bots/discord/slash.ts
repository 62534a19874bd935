/**
 * A slash command: acknowledged at once (deferred: the agent, the LLM and charts may take longer than
 * Discord's 3 seconds), then the core's replies are edited in. Commands with personal data answer only
 * to the user; commands whose arguments are secrets open a modal instead (keys-modal.ts).
 */
import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { errorsTotal } from '../../core/metrics.ts';
import type { BotEnv } from './env.ts';
import { commandInbound } from './inbound.ts';
import { needsModal, showSecretsModal } from './keys-modal.ts';
import { type DiscordMessage, renderReplies } from './render.ts';
import { deliver, failureMessage } from './respond.ts';

/**
 * Commands whose answers are the user's own business (holdings, orders, PnL, keys, settings, link codes).
 * Discord-only presentation: Telegram has no ephemeral messages. A source's `personal` flag overrides.
 */
export const PERSONAL_COMMANDS: ReadonlySet<string> = new Set([
  'portfolio',
  'orders',
  'pnl',
  'keys',
  'settings',
  'mode',
  'link',
]);

export async function onChatInput(interaction: ChatInputCommandInteraction, env: BotEnv): Promise<void> {
  const source = env.sources.get(interaction.commandName);
  if (source && needsModal(source, interaction)) return showSecretsModal(interaction, source);

  // In a DM everything is private already; "ephemeral" only matters in guild channels.
  const personal = source?.personal ?? PERSONAL_COMMANDS.has(interaction.commandName);
  // An admin command run by a member without Manage Channels will most likely be refused by the core:
  // that refusal is nobody else's business. (The core still decides; this only picks who sees it.)
  const unprivileged =
    Boolean(source?.adminInGroups) &&
    !interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels, true);
  const ephemeral = (personal || unprivileged) && interaction.inGuild();
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});

  let messages: DiscordMessage[];
  try {
    messages = renderReplies(await env.agent.handle(commandInbound(interaction)));
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
