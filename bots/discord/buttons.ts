/**
 * A press on Confirm or Cancel. Acknowledged at once without changing anything (deferred update); every
 * press goes to the core, which alone decides whether it counts. What the adapter decides is only
 * where the answer is shown:
 * - the requester's press: the core's answer is edited into the card everyone sees, buttons gone;
 * - anyone else's press: the answer (the core's refusal) goes privately to the presser, the card stays.
 * The requester is the Discord user whose command or message produced the card (recorded when it was
 * posted, Discord's interaction metadata otherwise). The core reports a refusal as an error code in
 * its answer: the card is never overwritten by someone else's refusal.
 * A stale proposal (expired, already decided) disables the card's buttons.
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

async function isRequester(interaction: ButtonInteraction, env: BotEnv, handle: string): Promise<boolean> {
  const recorded = await env.cards.requester(handle);
  const requester = recorded ?? interaction.message.interactionMetadata?.user.id;
  // A card nobody is on record for (posted before a restart wiped Redis) is treated as the presser's.
  return requester === undefined || requester === interaction.user.id;
}

async function privately(interaction: ButtonInteraction, messages: readonly DiscordMessage[]): Promise<void> {
  for (const msg of messages)
    await interaction.followUp({ ...messageOptions(msg), flags: MessageFlags.Ephemeral });
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
  const requester = await isRequester(interaction, env, press.handle);
  let refusal: { code: ErrorCode; message: string };
  try {
    const reply = await env.agent.answer(buttonInbound(interaction, press.action, press.handle));
    if (reply.kind === 'replies') {
      const answer = renderReplies(reply.replies);
      if (!requester) return privately(interaction, answer);
      env.cards.decided(press.handle);
      const [outcome, ...more] = answer;
      await interaction.editReply(messageOptions(decidedCard(outcome)));
      return privately(interaction, more);
    }
    refusal = reply;
  } catch (err) {
    const error = toAppError(err);
    refusal = { code: error.code, message: error.userMessage };
  }
  // The core refused or could not carry out the press: its code decides what the card does.
  if (requester && refusal.code === 'ERR_ORDER_EXPIRED') {
    env.cards.decided(press.handle);
    await interaction.editReply(messageOptions(expiredCard(currentCard(interaction))));
  } else if (requester && refusal.code === 'ERR_ORDER_STATE') {
    // Decided already (a second press, another device): only the stale buttons go.
    env.cards.decided(press.handle);
    await interaction.editReply({ components: disableRows(currentCard(interaction).components) });
  } else if (!REFUSED.has(refusal.code)) {
    env.logger.error({ code: refusal.code }, 'discord: button press failed');
    errorsTotal.inc({ code: refusal.code, where: 'discord.button' });
  }
  await privately(interaction, [errorMessage(refusal.message)]);
}
