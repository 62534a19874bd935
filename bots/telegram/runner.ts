/**
 * What polling and webhook mode share: both hand updates to @grammyjs/runner, which runs them
 * concurrently up to `CONCURRENCY` (then it stops taking more), while the bot's `sequentialize`
 * (`inOrder`, below) keeps the updates of one chat, and of one person, in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sequentialize } from '@grammyjs/runner';
import type { Context } from 'grammy';

/** Updates in progress at most, the ones waiting behind a slow update of their chat included. */
export const CONCURRENCY = 100;

/**
 * Per-chat order (so "buy" is handled before the "yes" that follows it) and per-person order across
 * chats (a personal command typed in a group is answered in the DM; a press in a group confirms what
 * was proposed elsewhere). Everything else runs in parallel: one slow chat holds up no one else.
 */
export function inOrder() {
  return sequentialize<Context>((ctx) => {
    const keys: string[] = [];
    if (ctx.chat) keys.push(`chat:${ctx.chat.id}`);
    if (ctx.from) keys.push(`user:${ctx.from.id}`);
    return keys.length ? keys : undefined;
  });
}

/**
 * Waits until nothing is `busy` (updates in progress, or still queued), for up to `ms`. The runner's own
 * `stop()` (2.0.3) resolves once it stopped fetching, while updates are still being handled.
 */
export async function settled(busy: () => number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (busy() > 0 && Date.now() < deadline) await sleep(20);
}
