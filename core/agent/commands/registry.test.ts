import { describe, expect, it } from 'vitest';
import { helpText } from './help.ts';
import { COMMANDS, findCommand } from './registry.ts';

const BRIEF_COMMANDS = [
  'help',
  'price',
  'chart',
  'buy',
  'sell',
  'orders',
  'cancel',
  'portfolio',
  'pnl',
  'signals',
  'alert',
  // Beyond the brief (names may grow): the list of alerts and removing one.
  'alerts',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'mode',
  'keys',
  'settings',
  'link',
  'memory',
  'news',
  // Operator controls (issue 12): /admin killswitch on|off|status.
  'admin',
];

describe('one command registry', () => {
  it('defines every command of the brief exactly once', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual([...BRIEF_COMMANDS].sort());
  });

  it('finds commands by name and alias', () => {
    expect(findCommand('/Price')?.name).toBe('price');
    expect(findCommand('start')?.name).toBe('help');
    expect(findCommand('withdraw')).toBeUndefined();
  });

  it('yields console help from the same registry', () => {
    const help = helpText('dm');
    for (const name of BRIEF_COMMANDS) expect(help).toContain(`/${name}`);
    expect(helpText('group')).not.toContain('/keys');
    expect(helpText('dm', 'buy')).toMatch(/\/buy 0\.01 btc/);
    expect(helpText('dm', '<b>x')).toMatch(/no \/bx command/);
  });
});
