import { describe, expect, it } from 'vitest';
import { helpText } from './help.ts';
import { discordCommands, telegramCommands } from './platforms.ts';
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
];

describe('one command registry', () => {
  it('defines every command of the brief exactly once', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual([...BRIEF_COMMANDS].sort());
  });

  it('finds commands by name, alias and Telegram "@bot" suffix', () => {
    expect(findCommand('/Price@CryptoPulseBot')?.name).toBe('price');
    expect(findCommand('start')?.name).toBe('help');
    expect(findCommand('withdraw')).toBeUndefined();
  });

  it('yields valid Discord slash-command definitions with typed options', () => {
    const defs = discordCommands();
    expect(defs).toHaveLength(COMMANDS.length);
    for (const d of defs) {
      expect(d.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(d.description.length).toBeGreaterThan(0);
      expect(d.description.length).toBeLessThanOrEqual(100);
      const required = d.options.map((o) => o.required);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const o of d.options) {
        expect(o.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(o.description.length).toBeLessThanOrEqual(100);
      }
    }
    const buy = defs.find((d) => d.name === 'buy')!;
    expect(buy.options).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'symbol', type: 3, required: true }),
        expect.objectContaining({ name: 'amount', type: 10, required: true, min_value: 0 }),
        expect.objectContaining({
          name: 'unit',
          type: 3,
          required: false,
          choices: [
            { name: 'coins', value: 'coins' },
            { name: 'money', value: 'money' },
            { name: 'percent', value: 'percent' },
          ],
        }),
        expect.objectContaining({ name: 'price', type: 10, required: false }),
      ]),
    );
    // DM-only commands are offered in bot DMs only.
    expect(defs.find((d) => d.name === 'keys')?.contexts).toEqual([1]);
    expect(defs.find((d) => d.name === 'price')?.contexts).toEqual([0, 1, 2]);
  });

  it('yields Telegram command menus per scope, keys and link only in private chats', () => {
    const [dm, group] = telegramCommands();
    expect(dm?.scope).toEqual({ type: 'all_private_chats' });
    expect(dm?.commands.map((c) => c.command)).toContain('keys');
    expect(group?.commands.map((c) => c.command)).not.toContain('keys');
    expect(group?.commands.map((c) => c.command)).not.toContain('link');
    for (const c of [...dm!.commands, ...group!.commands]) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
  });

  it('yields console help from the same registry', () => {
    const help = helpText('dm');
    for (const name of BRIEF_COMMANDS) expect(help).toContain(`/${name}`);
    expect(helpText('group')).not.toContain('/keys');
    expect(helpText('dm', 'buy')).toMatch(/\/buy 0\.01 btc/);
    expect(helpText('dm', '<b>x')).toMatch(/no \/bx command/);
  });
});
