/**
 * Runs updates the way a chat expects: one at a time per chat (so "buy" is handled before the "yes"
 * that follows it), chats in parallel (so one slow answer does not hold everyone up). Polling and
 * webhook mode both feed it; `drain` lets a stop finish what was accepted.
 */
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/logger.ts';
import { errorsTotal } from '../../core/metrics.ts';

export interface Dispatcher {
  dispatch(update: Update): void;
  /** Resolves once fewer than `max` updates are in progress (polling backpressure). */
  belowLimit(): Promise<void>;
  /** Resolves when every dispatched update is handled, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  readonly inFlight: number;
}

/** The chat an update belongs to; updates without one run under their own key. */
function chatKey(update: Update): string {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.channel_post?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat;
  return chat ? String(chat.id) : `update:${update.update_id}`;
}

export function createDispatcher(bot: Bot, logger: Logger, max = 100): Dispatcher {
  const tails = new Map<string, Promise<void>>();
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };

  return {
    get inFlight() {
      return inFlight;
    },
    dispatch(update) {
      const key = chatKey(update);
      inFlight++;
      const run = (tails.get(key) ?? Promise.resolve())
        .then(() => bot.handleUpdate(update))
        .catch((err: unknown) => {
          // Features have their own error boundaries; reaching here means the boundary itself failed.
          errorsTotal.inc({ code: 'ERR_INTERNAL', where: 'telegram.dispatch' });
          logger.error({ err, updateId: update.update_id }, 'Telegram update failed');
        })
        .finally(() => {
          inFlight--;
          if (tails.get(key) === run) tails.delete(key);
          wake();
        });
      tails.set(key, run);
    },
    async belowLimit() {
      while (inFlight >= max) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline)
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, deadline - Date.now())).unref()),
        ]);
    },
  };
}
