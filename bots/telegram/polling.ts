/**
 * Long polling (the default for self-hosting: no public URL needed). Updates go to the dispatcher, so
 * slow chats do not block others. Some Bot API servers (test servers, telegram-test-api) ignore the
 * long-poll timeout and answer an empty list at once; a short pause after a quick empty answer keeps the
 * loop from spinning there and costs nothing against Telegram, which only answers empty after the timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bot, GrammyError } from 'grammy';
import type { Logger } from '../../core/logger.ts';
import type { Dispatcher } from './dispatcher.ts';

export const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query', 'my_chat_member'] as const;

const LONG_POLL_SECONDS = 25;
/** An empty answer faster than this means the server ignored the timeout. */
const QUICK_EMPTY_MS = 1_000;
const EMPTY_POLL_PAUSE_MS = 250;

export interface Poller {
  stop(): Promise<void>;
}

export async function startPolling(bot: Bot, dispatcher: Dispatcher, logger: Logger): Promise<Poller> {
  // getUpdates fails while a webhook is set: a bot moved from webhook to polling mode must drop it.
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  const abort = new AbortController();
  let offset = 0;

  const loop = (async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      const started = performance.now();
      try {
        const updates = await bot.api.getUpdates(
          { offset, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal after the abort-controller polyfill; the native one works at run time.
          abort.signal as Parameters<Bot['api']['getUpdates']>[1],
        );
        failures = 0;
        for (const update of updates) {
          offset = update.update_id + 1;
          dispatcher.dispatch(update);
        }
        if (updates.length === 0 && performance.now() - started < QUICK_EMPTY_MS)
          await sleep(EMPTY_POLL_PAUSE_MS, undefined, { signal: abort.signal });
        await dispatcher.belowLimit();
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        // 401: the token is wrong; 409: another instance polls. Both need the operator, not a fast retry.
        const fatal = err instanceof GrammyError && (err.error_code === 401 || err.error_code === 409);
        logger.error(
          { err, failures },
          fatal ? 'Telegram polling refused' : 'Telegram polling failed; retrying',
        );
        const wait = fatal ? 30_000 : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        await sleep(wait, undefined, { signal: abort.signal }).catch(() => {});
      }
    }
  })();

  return {
    async stop() {
      abort.abort();
      await loop;
      // Tells Telegram the last batch was received, so a restart does not handle it twice.
      if (offset > 0) await bot.api.getUpdates({ offset, limit: 1, timeout: 0 }).catch(() => {});
    },
  };
}
