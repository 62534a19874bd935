/**
 * Signal cards and lifecycle replies for Telegram, for the broadcaster (core/broadcast): a photo of the
 * chart with a caption of at most 1,024 characters, and the outcome as a reply to that photo. Every call
 * goes through an Outbox (Telegram's limits, 429s waited out in order per chat); the broadcaster learns
 * the instant a request really leaves, after any wait, through the dispatch hook below.
 */
import { Api, InputFile, type Transformer } from 'grammy';
import { escapeMarkdown as esc } from '../../core/agent/markdown.ts';
import type { CardChart, SendHooks, SignalChannel } from '../../core/broadcast/ports.ts';
import { cardFacts, outcomeFacts } from '../../core/broadcast/present.ts';
import type { BroadcastSignal } from '../../core/broadcast/signal-entry.ts';
import { renderMarkdown, telegramLength } from './format.ts';
import { type Outbox, type OutboxOptions, sharedOutbox } from './outbox.ts';
import { pacedBy, toFailure } from './send.ts';

const CAPTION_MAX = 1_024;

/** The card as Telegram markdown, its reason shortened if the whole would not fit a caption. */
export function cardCaption(signal: BroadcastSignal): string {
  const f = cardFacts(signal);
  const build = (reason: string) =>
    [
      `**${esc(f.title)}** · ${f.badge}`,
      f.rows.map(([label, value]) => `${label} **${esc(value)}**`).join(' · '),
      `_${esc(reason)}_`,
      esc(f.footer),
    ].join('\n');
  const md = build(f.reason);
  const over = telegramLength(md) - CAPTION_MAX;
  // Only the reason is shortened: the numbers always fit.
  return over > 0 ? build(`${f.reason.slice(0, Math.max(0, f.reason.length - over - 1))}…`) : md;
}

export function outcomeText(signal: BroadcastSignal): string {
  const f = outcomeFacts(signal);
  return [`**${esc(f.title)}**`, `Result **${esc(f.result)}**`, esc(f.detail)].join('\n');
}

/**
 * Calls made with a signal registered here run its hook when the outbox lets them go. Installed inside
 * the pacing transformer, so it runs at dispatch time, not at enqueue time.
 */
type GrammySignal = NonNullable<Parameters<Transformer>[3]>;

function dispatchHooks(): { transformer: Transformer; signalFor(hooks: SendHooks): GrammySignal } {
  const hooks = new WeakMap<GrammySignal, SendHooks>();
  return {
    transformer: async (prev, method, payload, signal) => {
      const h = signal ? hooks.get(signal) : undefined;
      if (h) await h.onDispatch();
      return prev(method, payload, signal);
    },
    signalFor(h) {
      // grammY types its signal with a polyfill's declaration; at run time it is the platform's own.
      const signal = new AbortController().signal as unknown as GrammySignal;
      hooks.set(signal, h);
      return signal;
    },
  };
}

export interface TelegramBroadcast {
  readonly channel: SignalChannel;
  readonly api: Api;
  readonly outbox: Outbox;
  close(graceMs: number): Promise<void>;
}

export function createTelegramBroadcast(options: {
  readonly token: string;
  readonly apiRoot: string;
  readonly outbox?: OutboxOptions;
}): TelegramBroadcast {
  const api = new Api(options.token, { apiRoot: options.apiRoot.replace(/\/+$/, '') });
  // The same outbox as the bots role of this process, if it runs: one budget per bot (outbox.ts).
  const lease = sharedOutbox({ token: options.token, apiRoot: options.apiRoot }, options.outbox);
  const { outbox } = lease;
  const hooks = dispatchHooks();
  // Installed first = innermost: it runs when the outbox dispatches the call.
  api.config.use(hooks.transformer);
  api.config.use(pacedBy(outbox));
  const replyTo = (id: string | undefined) =>
    id === undefined
      ? {}
      : { reply_parameters: { message_id: Number(id), allow_sending_without_reply: true } };

  const channel: SignalChannel = {
    platform: 'telegram',
    // Telegram has no idempotency key: an unknown outcome is dead-lettered, never blindly resent.
    idempotent: false,
    async sendCard(chatId, signal, chart: CardChart | undefined, h) {
      const caption = renderMarkdown(cardCaption(signal)).html;
      try {
        const sent = chart
          ? await api.sendPhoto(
              chatId,
              new InputFile(chart.png, `signal-${signal.pair.replace('/', '-')}.png`),
              { caption, parse_mode: 'HTML' },
              hooks.signalFor(h),
            )
          : await api.sendMessage(chatId, caption, { parse_mode: 'HTML' }, hooks.signalFor(h));
        return { messageId: String(sent.message_id) };
      } catch (err) {
        throw toFailure(err);
      }
    },
    async sendLifecycle(chatId, signal, cardMessageId, h) {
      try {
        const sent = await api.sendMessage(
          chatId,
          renderMarkdown(outcomeText(signal)).html,
          { parse_mode: 'HTML', ...replyTo(cardMessageId) },
          hooks.signalFor(h),
        );
        return { messageId: String(sent.message_id) };
      } catch (err) {
        throw toFailure(err);
      }
    },
    async tellAdmin(userId, text) {
      await api.sendMessage(userId, text);
    },
  };
  return { channel, api, outbox, close: (graceMs) => lease.release(graceMs) };
}
