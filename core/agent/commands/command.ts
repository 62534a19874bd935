/**
 * A chat command, defined once: name, description, zod-typed arguments and a handler. The registry
 * derives Discord slash-command options, Telegram's command menu and the console help from it.
 */
import type { z } from 'zod';
import type { Inbound } from '../inbound.ts';
import type { Actor, AgentServices } from '../ports.ts';
import type { Reply } from '../reply.ts';
import type { Artifacts, ToolDef } from '../tools/tool.ts';

export interface CommandContext {
  readonly inbound: Inbound;
  readonly actor: Actor;
  readonly services: AgentServices;
  readonly artifacts: Artifacts;
  /** Runs a tool through the validating, audited runner; throws its AppError on failure. */
  tool<R>(tool: ToolDef<z.ZodType, R>, args: unknown): Promise<R>;
  /** Forgets the conversation of this user in this chat. */
  clearMemory(): Promise<void>;
  /** The help text of every command, or of one. */
  help(command?: string): string;
  /** The answer carries personal data: only the asker may read it (see policy.ts Audience). */
  markPersonal(): void;
}

/** What "/name the rest" means, or a reply explaining what is missing. */
export type TextArgs =
  | { readonly ok: true; readonly args: unknown }
  | { readonly ok: false; readonly reply: string };

export type ChatScope = 'dm' | 'group' | 'channel';

export interface CommandDef<A extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line, at most 100 characters (Discord's limit), shown in every menu. */
  readonly description: string;
  /** Examples of the text form, shown in help: "0.5 btc", "$100 of eth if price dips below 2k". */
  readonly examples?: readonly string[];
  readonly args: A;
  /** Text after "/name" → raw arguments for `args`. Default: words assigned to the fields in order. */
  parseText?(text: string): TextArgs;
  /** Chats where the command is offered and accepted (default: all). */
  readonly scopes?: readonly ChatScope[];
  /** In groups and channels only chat admins may run it (subscribe). */
  readonly adminInGroups?: boolean;
  /**
   * Its answer is the user's own business (holdings, orders, PnL, keys, settings, link codes): outside a
   * DM only the asker may read it. Secret arguments are marked in `args` with `secret()` (policy.ts).
   */
  readonly personal?: boolean;
  /** Ports the command needs; without them it answers "not available yet". */
  readonly needs?: readonly (keyof AgentServices)[];
  /** Also reachable under these names (e.g. Telegram's /start); never listed. */
  readonly aliases?: readonly string[];
  handler(args: z.output<A>, ctx: CommandContext): Promise<Reply[]>;
}

export function defineCommand<A extends z.ZodType>(def: CommandDef<A>): CommandDef<A> {
  return def;
}
