/**
 * A press on Confirm or Cancel. Acknowledged at once without changing anything (deferred update); the
 * core then decides whether the press counts. Its outcome is edited into the card everyone sees; a
 * refusal (not the owner, forged button) goes privately to the presser and leaves the card alone; a
 * stale proposal (expired, already decided) disables the card's buttons and tells the presser why.
 */
import { type ButtonInteraction, MessageFlags } from 'discord.js';
import { parseButtonData } from '../../core/agent/reply.ts';
import { type ErrorCode, toAppError } from '../../core/errors.ts';
import { errorsTotal } from '../../core/metrics.ts';
import type { BotEnv } from './env.ts';
import { buttonInbound } from './inbound.ts';
import { expiredCard } from './proposals.ts';
import { type ButtonRow, COLORS, type DiscordMessage, disableRows, renderReplies } from './render.ts';
import { errorMessage, messageOptions } from './respond.ts';

/** Presses that change nothing: the presser is told privately and the card stays as it is. */
const REFUSED = new Set<ErrorCode>(['ERR_NOT_OWNER', 'ERR_BAD_HANDLE']);

function currentCard(interaction: ButtonInteraction): DiscordMessage {
  return {
    embeds: interaction.message.embeds.map((e) => e.toJSON()),
    files: [],
    components: interaction.message.components.map((c) => c.toJSON() as ButtonRow),
  };
}

/** The card after a decision: the core's outcome in place of the proposal, buttons gone. */
function decidedCard(outcome: DiscordMessage | undefined): DiscordMessage {
  const embeds = outcome?.embeds.length ? outcome.embeds : [{ description: 'Done.', color: COLORS.muted }];
  return { embeds, files: outcome?.files ?? [], components: [] };
}

export async function onButton(interaction: ButtonInteraction, env: BotEnv): Promise<void> {
  const press = parseButtonData(interaction.customId);
  if (!press) {
    await interaction.reply({
      ...messageOptions(errorMessage('That button is not valid.')),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  await interaction.deferUpdate();
  try {
    const [outcome, ...more] = renderReplies(
      await env.agent.handle(buttonInbound(interaction, press.action, press.handle)),
    );
    env.cards.decided(press.handle);
    await interaction.editReply(messageOptions(decidedCard(outcome)));
    for (const msg of more)
      await interaction.followUp({ ...messageOptions(msg), flags: MessageFlags.Ephemeral });
  } catch (err) {
    const error = toAppError(err);
    if (error.code === 'ERR_ORDER_EXPIRED') {
      env.cards.decided(press.handle);
      await interaction.editReply(messageOptions(expiredCard(currentCard(interaction))));
    } else if (error.code === 'ERR_ORDER_STATE') {
      // Decided already (a second press, another device): only the stale buttons go.
      env.cards.decided(press.handle);
      await interaction.editReply({ components: disableRows(currentCard(interaction).components) });
    } else if (!REFUSED.has(error.code)) {
      env.logger.error({ err, code: error.code }, 'discord: button press failed');
      errorsTotal.inc({ code: error.code, where: 'discord.button' });
    }
    await interaction.followUp({ ...messageOptions(errorMessage(error)), flags: MessageFlags.Ephemeral });
  }
}
