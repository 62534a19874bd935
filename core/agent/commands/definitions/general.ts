/** /help and /memory. */
import { z } from 'zod';
import { text } from '../../reply.ts';
import { defineCommand } from '../command.ts';
import { positional } from '../text-args.ts';

export const helpCommand = defineCommand({
  name: 'help',
  description: 'What I can do, and how to ask',
  examples: ['', 'buy'],
  args: z.object({ command: z.string().trim().toLowerCase().max(32).optional() }).strict(),
  parseText: positional(['command']),
  aliases: ['start'],
  async handler({ command }, ctx) {
    return [text(ctx.help(command?.replace(/^\//, '')))];
  },
});

export const memoryCommand = defineCommand({
  name: 'memory',
  description: 'Forget our conversation in this chat: /memory clear',
  examples: ['clear'],
  args: z.object({ action: z.enum(['clear']) }).strict(),
  parseText: positional(['action']),
  async handler(_args, ctx) {
    await ctx.clearMemory();
    return [text('Done: I forgot our conversation in this chat.')];
  },
});
