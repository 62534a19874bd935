/** What every feature composer shares, and the error boundary each one runs inside. */
import type { BotError, Context } from 'grammy';
import { toAppError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import { errorsTotal } from '../../../core/metrics.ts';
import type { CardStore } from '../cards.ts';
import type { CommandInfo } from '../deps.ts';
import type { Responder } from '../respond.ts';
import type { Transcriber } from '../transcribe.ts';

export interface FeatureEnv {
  readonly responder: Responder;
  readonly cards: CardStore;
  readonly commands: CommandIndex;
  readonly transcriber: Transcriber | null;
  readonly logger: Logger;
  /** Where files are downloaded from: `${apiRoot}/file/bot${token}/${file_path}`. */
  readonly fileUrl: (filePath: string) => string;
}

export interface CommandIndex {
  /** The registry entry for a name or alias; undefined for names the registry does not know. */
  find(name: string): CommandInfo | undefined;
}

/**
 * Used only when the lead passes no registry: the flags that protect users must not depend on wiring.
 * Secrets are deleted and subscription admins checked even then.
 */
const FALLBACK: readonly CommandInfo[] = [
  {
    name: 'keys',
    description: 'Link, list or revoke exchange API keys (DM only)',
    secretArgs: true,
    scopes: ['dm'],
  },
  { name: 'subscribe', description: 'Post signals in this chat', adminInGroups: true },
  { name: 'unsubscribe', description: 'Stop posting signals in this chat', adminInGroups: true },
];

export function commandIndex(commands: readonly CommandInfo[] | undefined): CommandIndex {
  const byName = new Map<string, CommandInfo>();
  for (const c of commands ?? FALLBACK)
    for (const name of [c.name, ...(c.aliases ?? [])]) byName.set(name, c);
  return { find: (name) => byName.get(name) };
}

/** Logs and counts a failure inside a feature, and tells the person something went wrong. */
export function boundary(env: FeatureEnv, feature: string) {
  return async (err: BotError<Context>) => {
    const appError = toAppError(err.error);
    errorsTotal.inc({ code: appError.code, where: `telegram.${feature}` });
    env.logger.error({ err: appError, feature, update: err.ctx.update.update_id }, 'Telegram feature failed');
    const ctx = err.ctx;
    // Every callback query is answered, even when handling it failed, so the button stops spinning.
    if (ctx.callbackQuery)
      await ctx.answerCallbackQuery({ text: appError.userMessage, show_alert: true }).catch(() => {});
    else if (ctx.chat) await ctx.reply(appError.userMessage).catch(() => {});
  };
}
