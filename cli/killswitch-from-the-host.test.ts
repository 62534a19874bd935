/**
 * `cryptopulse killswitch on|off|status` from the host: a running service refuses new orders at once
 * (the switch is read inside every check), resumes when it is off again, and both changes are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingHarness, type TradingHarness } from '../core/trading/testing/harness.ts';
import { runKillSwitchCommand } from './killswitch.ts';

describe('the kill switch from the CLI', () => {
  let h: TradingHarness;
  beforeAll(async () => {
    h = await createTradingHarness('killswitch-cli');
  });
  afterAll(() => h.close());

  it('turns trading off and on for a running service, audited', async () => {
    const alice = await h.user('alice');
    expect(await runKillSwitchCommand(h.app.config, ['on'])).toBe(0);
    await expect(
      h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.01' }),
    ).rejects.toMatchObject({
      code: 'ERR_KILL_SWITCH',
    });
    expect(await runKillSwitchCommand(h.app.config, ['status'])).toBe(0);
    expect(await runKillSwitchCommand(h.app.config, ['off'])).toBe(0);
    expect((await h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.01' })).mode).toBe(
      'paper',
    );
    const audited = await h.app.db.auditLog.findMany({
      where: { action: { startsWith: 'risk.kill_switch' } },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((a) => a.action)).toEqual(['risk.kill_switch.on', 'risk.kill_switch.off']);
    expect(await runKillSwitchCommand(h.app.config, ['maybe'])).toBe(2);
  });
});
