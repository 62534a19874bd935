/**
 * The core command registry as the Discord adapter takes it: the registry's own Discord JSON (typed
 * options, contexts) plus the flags of each command that change how Discord presents it.
 */
import type { CommandDef } from '../../core/agent/commands/command.ts';
import { discordCommand } from '../../core/agent/commands/platforms.ts';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import type { SlashCommandSource } from './deps.ts';

export function registrySources(commands: readonly CommandDef[] = COMMANDS): SlashCommandSource[] {
  return commands.map((c) => ({
    ...discordCommand(c),
    ...(c.scopes ? { scopes: c.scopes } : {}),
    ...(c.adminInGroups ? { adminInGroups: true } : {}),
    ...(c.secretArgs ? { secretArgs: true } : {}),
  }));
}
