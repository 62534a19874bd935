/**
 * The core command registry as the Discord adapter takes it: application-command JSON derived from each
 * command's zod schema (typed options, interaction contexts from its chat scopes) plus the flags of its
 * policy that change how Discord presents it. Discord's option types, limits and contexts live here,
 * not in core.
 */
import { z } from 'zod';
import type { CommandDef } from '../../core/agent/commands/command.ts';
import { commandPolicy } from '../../core/agent/commands/policy.ts';
import { COMMANDS, offeredIn } from '../../core/agent/commands/registry.ts';
import type { CommandOptionSource, SlashCommandSource } from './deps.ts';

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
/** Discord interaction contexts. */
const CONTEXT = { guild: 0, botDm: 1, privateChannel: 2 } as const;
/** Discord's limit for command and option descriptions. */
const DESCRIPTION_MAX = 100;
const SAFE_BOUND = 2 ** 53 - 1;

function baseType(s: JsonSchema): keyof typeof OPTION {
  if (s.type && s.type in OPTION) return s.type as keyof typeof OPTION;
  const member = s.anyOf?.map(baseType);
  return member?.every((t) => t === member[0]) && member[0] ? member[0] : 'string';
}

function discordOption(name: string, s: JsonSchema, required: boolean): CommandOptionSource {
  const type = OPTION[baseType(s)];
  const bounded = (v: number | undefined) => (v !== undefined && Math.abs(v) < SAFE_BOUND ? v : undefined);
  const min = bounded(s.minimum ?? s.exclusiveMinimum);
  const max = bounded(s.maximum);
  return {
    type,
    name,
    description: (s.description ?? name.replace(/_/g, ' ')).slice(0, DESCRIPTION_MAX),
    required,
    ...(s.enum ? { choices: s.enum.map((v) => ({ name: String(v), value: v as string | number })) } : {}),
    ...(type !== OPTION.string && min !== undefined ? { min_value: min } : {}),
    ...(type !== OPTION.string && max !== undefined ? { max_value: max } : {}),
    ...(type === OPTION.string && s.minLength ? { min_length: s.minLength } : {}),
    ...(type === OPTION.string && s.maxLength ? { max_length: s.maxLength } : {}),
  };
}

/** One command as PUT /applications/:appId/commands takes it. */
export function discordCommand(c: CommandDef) {
  const schema = z.toJSONSchema(c.args, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  const options = Object.entries(schema.properties ?? {}).map(([name, s]) =>
    discordOption(name, s, required.has(name) && s.default === undefined),
  );
  // Discord requires required options before optional ones.
  options.sort((a, b) => Number(b.required) - Number(a.required));
  const contexts = [
    ...(offeredIn(c, 'group') ? [CONTEXT.guild] : []),
    ...(offeredIn(c, 'dm') ? [CONTEXT.botDm] : []),
    ...(offeredIn(c, 'group') ? [CONTEXT.privateChannel] : []),
  ];
  return {
    name: c.name,
    description: c.description.slice(0, DESCRIPTION_MAX),
    type: 1 as const,
    options,
    contexts,
  };
}

export function registrySources(commands: readonly CommandDef[] = COMMANDS): SlashCommandSource[] {
  return commands.map((c) => {
    const policy = commandPolicy(c);
    return {
      ...discordCommand(c),
      ...(c.scopes ? { scopes: c.scopes } : {}),
      ...(policy.adminInGroups ? { adminInGroups: true } : {}),
      ...(policy.secretArgs.length ? { secretArgs: policy.secretArgs } : {}),
      ...(policy.personal ? { personal: true } : {}),
    };
  });
}
