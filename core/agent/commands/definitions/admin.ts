/** /admin: operator controls from chat. Only operators (ADMIN_ACCOUNTS, as of this contact) get an answer. */
import { z } from 'zod';
import { escapeMarkdown as esc } from '../../markdown.ts';
import { text } from '../../reply.ts';
import { need } from '../../tools/need.ts';
import { defineCommand } from '../command.ts';
import { positional } from '../text-args.ts';

export const adminCommand = defineCommand({
  name: 'admin',
  description: 'Operators only: /admin killswitch on|off|status stops or resumes every order',
  examples: ['killswitch status', 'killswitch on', 'killswitch off'],
  args: z
    .object({
      control: z.enum(['killswitch']),
      action: z.enum(['on', 'off', 'status']).default('status'),
    })
    .strict(),
  parseText: positional(['control', 'action']),
  needs: ['operator'],
  async handler({ action }, ctx) {
    const state = await need(ctx.services, 'operator').killSwitch(ctx.actor, action);
    const since = state.at ? ` (set by ${esc(state.by ?? 'an operator')} at ${esc(state.at)})` : '';
    const env = state.forcedByEnv ? ' KILL_SWITCH=true in the environment keeps it on.' : '';
    return [
      text(
        state.on
          ? `Kill switch **ON**${since}: no order is proposed or executed on any role.${env}`
          : `Kill switch **off**${since}: trading runs normally.`,
      ),
    ];
  },
});
