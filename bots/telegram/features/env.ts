/** What every feature composer shares, and the error boundary each one runs inside. */
import type { BotError, Context } from 'grammy';
import { commandPolicy } from '../../../core/agent/commands/policy.ts';
import { COMMANDS } from '../../../core/agent/commands/registry.ts';
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

/** Without a list given, the registry itself: the flags that protect users never depend on wiring. */
export function commandIndex(commands: readonly CommandInfo[] | undefined): CommandIndex {
  const byName = new Map<string, CommandInfo>();
  for (const c of commands ?? COMMANDS.map(commandPolicy))
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
