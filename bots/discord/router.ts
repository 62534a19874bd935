/** Every interaction to its handler; kinds the bot does not use are ignored. */
import type { Interaction } from 'discord.js';
import { onAutocomplete } from './autocomplete.ts';
import { onButton } from './buttons.ts';
import type { BotEnv } from './env.ts';
import { isSecretsModal, onSecretsModal } from './keys-modal.ts';
import { onChatInput } from './slash.ts';

export async function routeInteraction(interaction: Interaction, env: BotEnv): Promise<void> {
  if (interaction.isChatInputCommand()) return onChatInput(interaction, env);
  if (interaction.isAutocomplete()) return onAutocomplete(interaction, env);
  if (interaction.isButton()) return onButton(interaction, env);
  if (interaction.isModalSubmit() && isSecretsModal(interaction.customId))
    return onSecretsModal(interaction, env);
}
