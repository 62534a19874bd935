/**
 * The registry as each platform wants it: Discord application-command JSON (typed options, contexts)
 * and Telegram setMyCommands lists per scope. Both come from the commands' zod schemas.
 */
import { z } from 'zod';
import type { CommandDef } from './command.ts';
import { COMMANDS, offeredIn } from './registry.ts';

type JsonSchema = {
  type?: string;
  anyOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** Discord application command option types. */
const OPTION = { string: 3, integer: 4, boolean: 5, number: 10 } as const;

function baseType(s: JsonSchema): keyof typeof OPTION {
  if (s.type && s.type in OPTION) return s.type as keyof typeof OPTION;
  const member = s.anyOf?.map(baseType);
  return member?.every((t) => t === member[0]) && member[0] ? member[0] : 'string';
}

export interface DiscordOption {
  readonly type: number;
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly choices?: readonly { name: string; value: string | number }[];
  readonly min_value?: number;
  readonly max_value?: number;
  readonly min_length?: number;
  readonly max_length?: number;
}

export interface DiscordCommand {
  readonly name: string;
  readonly description: string;
  readonly type: 1;
  readonly options: readonly DiscordOption[];
  /** 0 guild, 1 bot DM, 2 private channel. */
  readonly contexts: readonly number[];
}

const SAFE_BOUND = 2 ** 53 - 1;

function discordOption(name: string, s: JsonSchema, required: boolean): DiscordOption {
  const type = OPTION[baseType(s)];
  const bounded = (v: number | undefined) => (v !== undefined && Math.abs(v) < SAFE_BOUND ? v : undefined);
  const min = bounded(s.minimum ?? s.exclusiveMinimum);
  const max = bounded(s.maximum);
  return {
    type,
    name,
    description: (s.description ?? name.replace(/_/g, ' ')).slice(0, 100),
    required,
    ...(s.enum ? { choices: s.enum.map((v) => ({ name: String(v), value: v as string | number })) } : {}),
    ...(type !== OPTION.string && min !== undefined ? { min_value: min } : {}),
    ...(type !== OPTION.string && max !== undefined ? { max_value: max } : {}),
    ...(type === OPTION.string && s.minLength ? { min_length: s.minLength } : {}),
    ...(type === OPTION.string && s.maxLength ? { max_length: s.maxLength } : {}),
  };
}

export function discordCommand(c: CommandDef): DiscordCommand {
  const schema = z.toJSONSchema(c.args, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  const options = Object.entries(schema.properties ?? {}).map(([name, s]) =>
    discordOption(name, s, required.has(name) && s.default === undefined),
  );
  // Discord requires required options before optional ones.
  options.sort((a, b) => Number(b.required) - Number(a.required));
  const contexts = [
    ...(offeredIn(c, 'group') ? [0] : []),
    ...(offeredIn(c, 'dm') ? [1] : []),
    ...(offeredIn(c, 'group') ? [2] : []),
  ];
  return { name: c.name, description: c.description.slice(0, 100), type: 1, options, contexts };
}

/** Body of PUT /applications/:appId/commands. */
export function discordCommands(commands: readonly CommandDef[] = COMMANDS): DiscordCommand[] {
  return commands.map(discordCommand);
}

export interface TelegramCommandList {
  readonly scope: { readonly type: 'all_private_chats' | 'all_group_chats' };
  readonly commands: readonly { readonly command: string; readonly description: string }[];
}

/** One setMyCommands call per scope. Channels have no command menu in Telegram. */
export function telegramCommands(commands: readonly CommandDef[] = COMMANDS): TelegramCommandList[] {
  const list = (scope: 'dm' | 'group') =>
    commands
      .filter((c) => offeredIn(c, scope))
      .map((c) => ({ command: c.name, description: c.description.slice(0, 256) }));
  return [
    { scope: { type: 'all_private_chats' }, commands: list('dm') },
    { scope: { type: 'all_group_chats' }, commands: list('group') },
  ];
}
