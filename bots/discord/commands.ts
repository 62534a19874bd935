/**
 * Registry commands → Discord application commands. Translation only:
 * - symbol, pair and timeframe options get autocomplete (a fixed list of choices becomes the
 *   autocomplete source, since Discord forbids both on one option);
 * - options the core marks secret (API key, secret) are not registered at all: the command collects
 *   them through a modal (keys-modal.ts), so they never appear in the chat input or its history;
 * - admin-in-groups commands are hidden from members without Manage Channels by default (the server
 *   can override; the adapter still reports the permission to the core, which decides);
 * - scopes map to interaction contexts (guild, bot DM).
 */
import { createHash } from 'node:crypto';
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandOptionSource, SlashCommandSource } from './deps.ts';

export type SlashCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

const AUTOCOMPLETE = /^(symbol|pair|timeframe|tf)s?$/i;
/** Whether the core marked this option of `source` as a secret. */
export function isSecretOption(source: SlashCommandSource, name: string): boolean {
  return source.secretArgs?.includes(name) ?? false;
}

export function autocompleteKind(name: string): 'symbol' | 'timeframe' | undefined {
  if (!AUTOCOMPLETE.test(name)) return undefined;
  return /^(timeframe|tf)/i.test(name) ? 'timeframe' : 'symbol';
}

type Option = CommandOptionSource;
const isSubcommand = (o: Option) =>
  o.type === ApplicationCommandOptionType.Subcommand ||
  o.type === ApplicationCommandOptionType.SubcommandGroup;

/** Registry option → Discord option: the one place the registry's plain numbers meet discord.js types. */
function translateOption(option: Option, source: SlashCommandSource): APIApplicationCommandOption {
  if (isSubcommand(option)) {
    const children = option.options ?? [];
    return {
      ...option,
      options: children.filter((o) => !isSecretOption(source, o.name)).map((o) => translateOption(o, source)),
    } as APIApplicationCommandOption;
  }
  if (option.type === ApplicationCommandOptionType.String && autocompleteKind(option.name)) {
    const { choices: _choices, ...rest } = option;
    return { ...rest, autocomplete: true } as APIApplicationCommandOption;
  }
  return option as APIApplicationCommandOption;
}

function contexts(source: SlashCommandSource): InteractionContextType[] {
  if (source.contexts) return [...source.contexts] as InteractionContextType[];
  const set = new Set(source.scopes ?? ['dm', 'group', 'channel']);
  const out: InteractionContextType[] = [];
  if (set.has('group') || set.has('channel')) out.push(InteractionContextType.Guild);
  if (set.has('dm')) out.push(InteractionContextType.BotDM);
  return out;
}

export function toSlashCommands(sources: readonly SlashCommandSource[]): SlashCommandJson[] {
  return sources.map((s) => ({
    type: ApplicationCommandType.ChatInput,
    name: s.name,
    description: s.description.slice(0, 100),
    // Secret options are never registered: the modal collects them.
    options: (s.options ?? [])
      .filter((o) => isSubcommand(o) || !isSecretOption(s, o.name))
      .map((o) => translateOption(o, s)),
    contexts: contexts(s),
    integration_types: [ApplicationIntegrationType.GuildInstall],
    ...(s.adminInGroups ? { default_member_permissions: String(PermissionFlagsBits.ManageChannels) } : {}),
  }));
}

/** The options of `command` (or of its subcommand `sub`) as the registry defined them, secrets included. */
export function sourceOptions(source: SlashCommandSource, sub: string | null): readonly Option[] {
  const top = source.options ?? [];
  if (!sub) return top;
  return top.find((o) => isSubcommand(o) && o.name === sub)?.options ?? [];
}

/** The fixed choices a registry option had before it became autocomplete (e.g. timeframes). */
export function sourceChoices(
  source: SlashCommandSource,
  sub: string | null,
  option: string,
): readonly { readonly name: string; readonly value: string | number }[] {
  return sourceOptions(source, sub).find((o) => o.name === option)?.choices ?? [];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

/** Stable across key order, so only a real change of the definitions changes it. */
export function definitionsHash(commands: readonly SlashCommandJson[]): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(commands)))
    .digest('hex');
}
