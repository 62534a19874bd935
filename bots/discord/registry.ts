/**
 * The core command registry as the Discord adapter takes it: the registry's own Discord JSON (typed
 * options, contexts) plus the flags of each command that change how Discord presents it.
 */
import type { CommandDef } from '../../core/agent/commands/command.ts';
import { discordCommand } from '../../core/agent/commands/platforms.ts';
import { commandPolicy } from '../../core/agent/commands/policy.ts';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import type { SlashCommandSource } from './deps.ts';

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
