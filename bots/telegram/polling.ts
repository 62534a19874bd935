/**
 * Long polling (the default for self-hosting: no public URL needed) by @grammyjs/runner: it fetches
 * with a 25 s long poll while earlier updates are still being handled (runner.ts). What stays ours is
 * what the runner (2.0.3) does not do:
 * - a stop waits for the updates in progress (`settled`), and confirms the last fetched batch to
 *   Telegram, so a restart does not handle it again: the runner confirms a batch only with its next
 *   getUpdates, which a stop aborts (or, with CONCURRENCY updates in progress, never sends);
 * - a refused poll (401 wrong token, 409 another instance polls) or a minute of failures ends the
 *   runner; it is started again after 30 s instead of leaving the bot deaf;
 * - failures go to our logger (the runner's own printing to the console is off).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/logger.ts';
import { CONCURRENCY, settled } from './runner.ts';

export const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query', 'my_chat_member'] as const;

const LONG_POLL_SECONDS = 25;
/** How long the runner retries failing polls (100 ms, doubling) before it gives up and ends. */
const RETRY_FOR_MS = 60_000;
const RESTART_AFTER_MS = 30_000;

export interface Poller {
  /** Stops fetching, confirms what was fetched, waits up to `timeoutMs` for updates in progress. */
  stop(timeoutMs: number): Promise<void>;
}

export async function startPolling(
  bot: Bot,
  logger: Logger,
  options: { readonly restartAfterMs?: number } = {},
): Promise<Poller> {
  const restartAfterMs = options.restartAfterMs ?? RESTART_AFTER_MS;
  // getUpdates fails while a webhook is set: a bot moved from webhook to polling mode must drop it.
  await bot.api.deleteWebhook({ drop_pending_updates: false });

  let lastFetched: number | undefined;
  bot.api.config.use(async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    try {
      const answer = await prev(method, payload, signal);
      if (answer.ok) lastFetched = (answer.result as Update[]).at(-1)?.update_id ?? lastFetched;
      else
        logger.error(
          { code: answer.error_code, description: answer.description },
          'Telegram polling refused',
        );
      return answer;
    } catch (err) {
      if (!signal?.aborted) logger.error({ err }, 'Telegram polling failed; retrying');
      throw err;
    }
  });

  const handle = run(bot, {
    runner: {
      fetch: { timeout: LONG_POLL_SECONDS, allowed_updates: ALLOWED_UPDATES },
      maxRetryTime: RETRY_FOR_MS,
      retryInterval: 'exponential',
      silent: true,
    },
    sink: { concurrency: CONCURRENCY },
  });
  const stopping = new AbortController();
  const restartWhenItEnds = (): void => {
    void handle.task()?.catch(async (err: unknown) => {
      logger.error({ err }, `Telegram polling stopped; starting again in ${restartAfterMs / 1000} s`);
      await sleep(restartAfterMs, undefined, { signal: stopping.signal }).catch(() => {});
      if (stopping.signal.aborted) return;
      await handle.stop(); // resets the runner's update source, so that it can start again
      handle.start();
      restartWhenItEnds();
    });
  };
  restartWhenItEnds();

  return {
    async stop(timeoutMs) {
      stopping.abort();
      // Resolves once the runner has room for more updates; what is in progress is `settled` below.
      void handle.stop();
      if (lastFetched !== undefined)
        await bot.api.getUpdates({ offset: lastFetched + 1, limit: 1, timeout: 0 }).catch(() => {});
      await settled(handle.size, timeoutMs);
    },
  };
}
