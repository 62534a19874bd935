/** Every chat command, in menu order. Names may grow, not shrink (BRIEF 3). */
import type { ChatScope, CommandDef } from './command.ts';
import {
  keysCommand,
  linkCommand,
  modeCommand,
  pnlCommand,
  portfolioCommand,
  settingsCommand,
} from './definitions/account.ts';
import { adminCommand } from './definitions/admin.ts';
import { helpCommand, memoryCommand } from './definitions/general.ts';
import { chartCommand, priceCommand } from './definitions/market.ts';
import { newsCommand } from './definitions/news.ts';
import {
  alertCommand,
  alertsCommand,
  signalsCommand,
  subscribeCommand,
  subscriptionsCommand,
  unsubscribeCommand,
} from './definitions/signals.ts';
import { buyCommand, cancelCommand, ordersCommand, sellCommand } from './definitions/trade.ts';

export const COMMANDS: readonly CommandDef[] = [
  helpCommand,
  priceCommand,
  chartCommand,
  buyCommand,
  sellCommand,
  ordersCommand,
  cancelCommand,
  portfolioCommand,
  pnlCommand,
  signalsCommand,
  newsCommand,
  alertCommand,
  alertsCommand,
  subscribeCommand,
  unsubscribeCommand,
  subscriptionsCommand,
  modeCommand,
  keysCommand,
  settingsCommand,
  linkCommand,
  memoryCommand,
  adminCommand,
];

const BY_NAME = new Map<string, CommandDef>();
for (const c of COMMANDS) for (const n of [c.name, ...(c.aliases ?? [])]) BY_NAME.set(n, c);

/** "/Price" or "price" → the price command. A platform's own addressing ("@BotName") is its adapter's. */
export function findCommand(name: string): CommandDef | undefined {
  return BY_NAME.get(name.trim().replace(/^\//, '').toLowerCase());
}

export function offeredIn(command: CommandDef, scope: ChatScope): boolean {
  return (command.scopes ?? ['dm', 'group', 'channel']).includes(scope);
}

export function commandsFor(scope: ChatScope): CommandDef[] {
  return COMMANDS.filter((c) => offeredIn(c, scope));
}
