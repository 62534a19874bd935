/**
 * Secrets (exchange API key and secret) are typed into a modal, never into a slash command's options:
 * options show in the chat input, the client's history and audit views. The modal holds every option
 * of the (sub)command, the non-secret ones prefilled from what was typed; its submission goes to the
 * core as the same command. The answer is ephemeral and the values are never logged or echoed here.
 */
import {
  ApplicationCommandOptionType,
  type ChatInputCommandInteraction,
  ComponentType,
  MessageFlags,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import { errorsTotal } from '../../core/metrics.ts';
import { isSecretOption, sourceOptions } from './commands.ts';
import type { CommandOptionSource, SlashCommandSource } from './deps.ts';
import type { BotEnv } from './env.ts';
import { commandInboundFrom, SUBCOMMAND_ARG } from './inbound.ts';
import { answerMessages, deliver, failureMessage } from './respond.ts';

const PREFIX = 'cp:modal:';
/** Discord allows five inputs per modal. */
const MAX_INPUTS = 5;

/** Actions that take secrets: `/keys link` as a subcommand, or `/keys action:link` as an option. */
const SECRET_ACTIONS = /^(link|add|set|update)$/;

/** The action chosen: the subcommand, or the value of the `action` option. */
export function chosenAction(interaction: ChatInputCommandInteraction): string | null {
  const sub = interaction.options.getSubcommand(false);
  const option = interaction.options.get(SUBCOMMAND_ARG)?.value;
  return sub ?? (typeof option === 'string' ? option : null);
}

export function needsModal(source: SlashCommandSource, interaction: ChatInputCommandInteraction): boolean {
  if (!source.secretArgs?.length) return false;
  const sub = interaction.options.getSubcommand(false);
  const options = sourceOptions(source, sub);
  if (!options.some((o) => isSecretOption(source, o.name))) return false;
  // Without a choice of action every use takes the secrets; with one, only the actions that link.
  const hasAction = sub !== null || options.some((o) => o.name === SUBCOMMAND_ARG);
  const action = chosenAction(interaction);
  return !hasAction || (action !== null && SECRET_ACTIONS.test(action));
}

function label(option: CommandOptionSource): string {
  const text = option.name.replace(/_/g, ' ');
  return (text.charAt(0).toUpperCase() + text.slice(1)).slice(0, 45);
}

export async function showSecretsModal(
  interaction: ChatInputCommandInteraction,
  source: SlashCommandSource,
): Promise<void> {
  const sub = interaction.options.getSubcommand(false);
  const action = chosenAction(interaction);
  const typed = new Map(
    (sub ? (interaction.options.data[0]?.options ?? []) : interaction.options.data).map((o) => [
      o.name,
      o.value,
    ]),
  );
  const fields = sourceOptions(source, sub)
    .filter((o) => o.type === ApplicationCommandOptionType.String && o.name !== SUBCOMMAND_ARG)
    .slice(0, MAX_INPUTS);
  await interaction.showModal({
    custom_id: `${PREFIX}${source.name}:${action ?? ''}`,
    title: `${source.name} ${action ?? ''}`.trim().slice(0, 45),
    components: fields.map((o) => {
      const value = typed.get(o.name);
      return {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: o.name,
            label: label(o),
            style: TextInputStyle.Short,
            required: Boolean(o.required),
            max_length: 200,
            ...(typeof value === 'string' && !isSecretOption(source, o.name) ? { value } : {}),
            ...(isSecretOption(source, o.name) ? { placeholder: 'stored encrypted; never shown again' } : {}),
          },
        ],
      };
    }),
  });
}

export function isSecretsModal(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

export async function onSecretsModal(interaction: ModalSubmitInteraction, env: BotEnv): Promise<void> {
  const [command = '', sub = ''] = interaction.customId.slice(PREFIX.length).split(':');
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const args: Record<string, string> = sub ? { [SUBCOMMAND_ARG]: sub } : {};
  for (const [name, field] of interaction.fields.fields) {
    if ('value' in field && typeof field.value === 'string' && field.value.trim())
      args[name] = field.value.trim();
  }
  try {
    const answer = await env.agent.answer(commandInboundFrom(interaction, command, args));
    await deliver(interaction, answerMessages(answer), true);
  } catch (err) {
    const { message, error } = failureMessage(err);
    // Only the code and command: the arguments are secrets.
    env.logger.error({ code: error.code, command, sub }, 'discord: secrets modal failed');
    errorsTotal.inc({ code: error.code, where: 'discord.modal' });
    await deliver(interaction, [message], true);
  }
}
