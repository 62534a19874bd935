/**
 * Running a command the same way whatever its origin (Discord options, "/text" on Telegram or the
 * console, or free text the intent parser understood): scope and permission checks, arguments parsed
 * and validated with the command's zod schema, then the handler.
 */
import { AppError } from '../../errors.ts';
import { issueSentence } from '../intent/validation-text.ts';
import type { Reply } from '../reply.ts';
import { text } from '../reply.ts';
import { need } from '../tools/need.ts';
import type { CommandContext, CommandDef } from './command.ts';
import { hasSecretArgs } from './policy.ts';
import { offeredIn } from './registry.ts';

const WHERE = { dm: 'a direct message with me', group: 'a group', channel: 'a channel' } as const;

function usage(def: CommandDef): string {
  const example = def.examples?.find(Boolean);
  return example ? ` Example: /${def.name} ${example}` : '';
}

export async function invokeCommand(
  def: CommandDef,
  raw: string | Readonly<Record<string, unknown>>,
  ctx: CommandContext,
): Promise<Reply[]> {
  const { chatKind, isChatAdmin } = ctx.inbound;
  if (!offeredIn(def, chatKind)) {
    const where = (def.scopes ?? []).map((s) => WHERE[s]).join(' or ');
    throw new AppError('ERR_FORBIDDEN', `/${def.name} not offered in ${chatKind}`, {
      userMessage: `/${def.name} works only in ${where}.${hasSecretArgs(def) ? ' Never post keys in a shared chat.' : ''}`,
    });
  }
  if (def.adminInGroups && chatKind !== 'dm' && !isChatAdmin)
    throw new AppError('ERR_FORBIDDEN', `/${def.name} needs a chat admin`, {
      userMessage: `Only admins of this chat can use /${def.name} here.`,
    });
  for (const port of def.needs ?? []) need(ctx.services, port);
  let args: unknown = raw;
  if (typeof raw === 'string') {
    if (!def.parseText) args = {};
    else {
      const read = def.parseText(raw);
      if (!read.ok) return [text(read.reply)];
      args = read.args;
    }
  }
  const parsed = def.args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('ERR_VALIDATION', `invalid /${def.name} arguments: ${issue?.message}`, {
      userMessage: `I could not read that: ${issue ? issueSentence(issue) : 'the input is not valid'}.${usage(def)}`,
    });
  }
  // Decided before the handler runs, so even a partial answer stays with the asker.
  if (def.personal) ctx.markPersonal();
  return def.handler(parsed.data, ctx);
}
