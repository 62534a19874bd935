import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toldToOwner } from '../../broadcast/order-events.ts';
import { defineCommand } from './command.ts';
import { commandPolicy, hasSecretArgs, OWNER_DM_EVENTS, secret, secretFields } from './policy.ts';
import { COMMANDS, findCommand } from './registry.ts';

const policy = (name: string) => commandPolicy(findCommand(name)!);

describe('the command policy, decided once in core', () => {
  it('calls the answers about the user’s own account personal, and the market public', () => {
    const personal = COMMANDS.filter((c) => commandPolicy(c).personal).map((c) => c.name);
    expect(personal.sort()).toEqual(
      ['alert', 'cancel', 'keys', 'link', 'mode', 'orders', 'pnl', 'portfolio', 'settings'].sort(),
    );
    for (const name of ['price', 'chart', 'signals', 'help', 'buy', 'subscribe'])
      expect(policy(name).personal).toBe(false);
  });

  it('reads secret arguments from the schema markers, not from their names', () => {
    expect(policy('keys').secretArgs).toEqual(['api_key', 'secret']);
    expect(COMMANDS.filter(hasSecretArgs).map((c) => c.name)).toEqual(['keys']);
    const token = defineCommand({
      name: 'x',
      description: 'x',
      args: z.object({ token_name: z.string(), pin: secret(z.string()).optional() }),
      handler: async () => [],
    });
    expect(secretFields(token)).toEqual(['pin']);
  });

  it('sends fills, failures, triggers and alerts to the owner’s DM, and progress only to the card', () => {
    const dm = Object.entries(OWNER_DM_EVENTS).flatMap(([type, yes]) => (yes === true ? [type] : []));
    expect(dm.sort()).toEqual(
      [
        'alert.triggered',
        'order.failed',
        'order.filled',
        'order.partially_filled',
        'order.rejected',
        'order.triggered',
      ].sort(),
    );
  });

  it('tells the owner of an expiry only when the order had been confirmed (the event says why)', () => {
    expect(OWNER_DM_EVENTS['order.expired']).toBe('when confirmed');
    expect(toldToOwner({ type: 'order.expired' })).toBe(false);
    expect(toldToOwner({ type: 'order.expired', message: 'The execution deadline passed.' })).toBe(true);
    expect(toldToOwner({ type: 'order.cancelled', message: 'ignored' })).toBe(false);
  });
});
