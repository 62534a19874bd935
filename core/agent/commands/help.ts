/** Help text from the registry: the console prints it, and /help answers with it on every platform. */
import type { ChatScope } from './command.ts';
import { commandsFor, findCommand } from './registry.ts';

const FREE_TEXT = [
  'Or just write, e.g. "price of eth", "chart btc 4h with ema 20", "buy $100 of eth",',
  '"buy 0.1 btc if price dips below 30k", "sell half my btc", "alert me when btc goes above 70k",',
  '"chart my equity", "pnl ytd".',
  'Orders are only proposed: nothing trades until you press Confirm.',
];

export function helpText(scope: ChatScope, command?: string): string {
  if (command) {
    const c = findCommand(command);
    if (!c)
      return `There is no /${command.replace(/[^\w-]/g, '').slice(0, 32)} command. Send /help for the list.`;
    const examples = (c.examples ?? []).map((e) => `- \`/${c.name}${e ? ` ${e}` : ''}\``);
    return [`**/${c.name}**: ${c.description}`, ...(examples.length ? ['', ...examples] : [])].join('\n');
  }
  const lines = commandsFor(scope).map((c) => {
    const example = c.name === 'help' ? undefined : c.examples?.find(Boolean);
    return `- **/${c.name}**${example ? ` \`${example}\`` : ''}: ${c.description}`;
  });
  return ['**What I can do**', ...lines, '', ...FREE_TEXT].join('\n');
}
