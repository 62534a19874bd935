/**
 * Confirm/Cancel presses. The core decides (owner, expiry, state); this renders its answer: the card is
 * edited with the outcome and loses its buttons, and the press is answered. A refusal for someone who
 * is not the owner is an alert and nothing else changes; an expired proposal answers "expired". Every
 * callback query is answered, also when the data is not ours or handling fails (see env.boundary).
 */
import { Composer, type Context } from 'grammy';
import type { Answer } from '../../../core/agent/answer.ts';
import { parseInlines, plainText } from '../../../core/agent/markdown.ts';
import { parseButtonData, type Reply } from '../../../core/agent/reply.ts';
import { type ErrorCode, toAppError } from '../../../core/errors.ts';
import { senderOf, toInbound } from '../inbound.ts';
import { boundary, type FeatureEnv } from './env.ts';

/** answerCallbackQuery text is limited to 200 characters. */
const ANSWER_LIMIT = 200;
const short = (s: string) => (s.length > ANSWER_LIMIT ? `${s.slice(0, ANSWER_LIMIT - 1)}…` : s);

export const EXPIRED_ANSWER = 'Expired. Ask again for a fresh quote.';
export const EXPIRED_LINE = '⌛ **Expired** — ask again for a fresh quote.';

/** Codes by which the core refuses a press; the card stays as it is (except when expired). */
const REFUSALS: readonly ErrorCode[] = [
  'ERR_NOT_OWNER',
  'ERR_BAD_HANDLE',
  'ERR_ORDER_STATE',
  'ERR_ORDER_EXPIRED',
];

/** The refusal behind an answer: the core reports it as a code, a thrown failure is read the same way. */
function refusalOf(outcome: Answer | { error: unknown }): { code: ErrorCode; message: string } | undefined {
  if ('error' in outcome) {
    const e = toAppError(outcome.error);
    return { code: e.code, message: e.userMessage };
  }
  return outcome.kind === 'error' ? { code: outcome.code, message: outcome.message } : undefined;
}

/** The first line of the first text reply, as plain text (callback answers show no formatting). */
function firstLine(replies: readonly Reply[]): string {
  const first = replies.find((r) => r.kind === 'text');
  return first ? (plainText(parseInlines(first.markdown)).split('\n')[0] ?? '') : '';
}

export function buttonsFeature(env: FeatureEnv): Composer<Context> {
  const composer = new Composer<Context>();
  const safe = composer.errorBoundary(boundary(env, 'buttons'));
  safe.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const press = parseButtonData(query.data);
    const message = query.message;
    if (!press || !message) return ctx.answerCallbackQuery({ text: 'This button is no longer valid.' });
    const sender = senderOf({ from: query.from, chat: message.chat });
    if (!sender) return ctx.answerCallbackQuery();
    const inbound = toInbound(
      { sender, chat: message.chat },
      { kind: 'button', action: press.action, handle: press.handle },
    );

    let outcome: Answer | { error: unknown };
    try {
      outcome = await env.responder.ask(inbound);
    } catch (error) {
      outcome = { error };
    }
    // Only the requester's press may change the card everyone sees; anyone else sees the core's answer
    // (its refusal) alone, as an alert. The core decided either way.
    const requester = await env.cards.requesterOf(press.handle);
    if (requester !== undefined && requester !== sender.platformUserId) {
      const said = refusalOf(outcome)?.message ?? ('replies' in outcome ? firstLine(outcome.replies) : '');
      await ctx.answerCallbackQuery({ text: short(said || 'This is not your proposal.'), show_alert: true });
      return;
    }
    const refusal = refusalOf(outcome);
    if (refusal?.code === 'ERR_ORDER_EXPIRED') {
      await ctx.answerCallbackQuery({ text: EXPIRED_ANSWER });
      await env.cards.progressByHandle(press.handle, EXPIRED_LINE);
      return;
    }
    if (refusal || !('replies' in outcome)) {
      // Someone else's card, a forged or stale button, a closed order: they are told, the card stays.
      if (!refusal || !REFUSALS.includes(refusal.code))
        env.logger.error({ code: refusal?.code, handle: press.handle }, 'button press failed');
      await ctx.answerCallbackQuery({
        text: short(refusal?.message ?? 'That did not work.'),
        show_alert: true,
      });
      return;
    }
    const { replies } = outcome;
    const texts = replies.flatMap((r) => (r.kind === 'text' ? [r.markdown] : []));
    const summary = plainText(
      parseInlines(texts[0] ?? (press.action === 'confirm' ? 'Confirmed' : 'Cancelled')),
    );
    await ctx.answerCallbackQuery({ text: short(summary.split('\n')[0] ?? '') });
    const edited = texts.length > 0 && (await env.cards.progressByHandle(press.handle, texts.join('\n\n')));
    // A card no longer on record still loses its buttons: the core has answered.
    if (!edited) await ctx.editMessageReplyMarkup().catch(() => {});
    // What the card cannot show (images, a card no longer on record) follows as messages.
    const rest = edited ? replies.filter((r) => r.kind !== 'text') : replies;
    if (rest.length) await env.responder.say(String(message.chat.id), rest);
  });
  return composer;
}
