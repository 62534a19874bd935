import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import { discordCommand, registrySources } from './registry.ts';

describe('the registry as Discord application commands', () => {
  it('yields valid Discord slash-command definitions with typed options', () => {
    const defs = COMMANDS.map(discordCommand);
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

  it('carries the core policy of each command: personal answers, secret options, admin-only', () => {
    const byName = new Map(registrySources().map((s) => [s.name, s]));
    expect(byName.get('portfolio')?.personal).toBe(true);
    expect(byName.get('price')?.personal).toBeUndefined();
    expect(byName.get('keys')?.secretArgs?.length).toBeGreaterThan(0);
    expect(byName.get('subscribe')?.adminInGroups).toBe(true);
  });
});
