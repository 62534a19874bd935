/**
 * The operator's kill switch from chat: `/admin killswitch on|off|status`, operators only, audited, and
 * seen at once by every role (another process' trading service proposing, the worker executing an order
 * confirmed before). An account removed from ADMIN_ACCOUNTS is refused at its next contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/agent.ts';
import { identityPort } from '../agent/bindings.ts';
import { type AgentHarness, createAgentHarness, textOf } from '../agent/testing/harness.ts';
import { createIdentityService } from '../identity/service.ts';
import { executePaperOrder } from './paper-broker.ts';
import { createTradingService } from './service.ts';

describe('/admin killswitch from chat', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('admin-killswitch', { env: { ADMIN_ACCOUNTS: 'telegram:900' } });
  });
  afterAll(() => t?.close());

  it('operators turn it on and off; everyone else is refused and nothing changes', async () => {
    const alice = await t.h.user('alice');
    const before = await t.h.service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' });
    await t.h.service.confirm(before.handle, alice);

    expect(textOf(await t.command('alice', 'admin', 'killswitch on'))).toContain('Only an operator');
    expect(textOf(await t.command('900', 'admin', 'killswitch status'))).toContain('off');

    expect(textOf(await t.command('900', 'admin', 'killswitch on'))).toContain('Kill switch **ON**');
    // Another process' service (a second API or bot role) refuses the next proposal at once...
    const otherRole = createTradingService(t.h.app, {
      market: t.h.market,
      queue: { enqueue: async () => {} },
    });
    await expect(
      otherRole.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' }),
    ).rejects.toMatchObject({ code: 'ERR_KILL_SWITCH' });
    // ...and the worker rejects the order confirmed before the switch.
    expect(await executePaperOrder(t.h.deps, before.orderId)).toMatchObject({
      kind: 'rejected',
      error: { code: 'ERR_KILL_SWITCH' },
    });
    expect(textOf(await t.command('alice', 'admin', 'killswitch off'))).toContain('Only an operator');
    expect(textOf(await t.command('900', 'admin', 'killswitch status'))).toContain('ON');

    expect(textOf(await t.command('900', 'admin', 'killswitch off'))).toContain('off');
    expect((await otherRole.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' })).symbol).toBe(
      'ETH/USDT',
    );
    const audited = await t.h.app.db.auditLog.findMany({
      where: { action: { startsWith: 'risk.kill_switch' } },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((a) => a.action)).toEqual(['risk.kill_switch.on', 'risk.kill_switch.off']);
  });

  it('an account removed from ADMIN_ACCOUNTS is refused at its next contact', async () => {
    expect(textOf(await t.command('900', 'admin', 'killswitch status'))).toContain('off');
    // The same install restarted with 900 no longer listed: a new agent over the new configuration.
    const config = { ...t.h.app.config, ADMIN_ACCOUNTS: [] };
    const identity = createIdentityService({ ...t.h.app, config });
    const { db, redis, keys, logger } = t.h.app;
    const restarted = createAgent({
      services: { ...t.services, identity: identityPort(identity) },
      config,
      logger,
      db,
      redis,
      keys,
      llm: null,
      now: () => new Date(t.h.clock.now),
    });
    const answer = await restarted.handle({
      platform: 'telegram',
      platformUserId: '900',
      chatId: 'dm-900',
      chatKind: 'dm',
      kind: 'command',
      command: 'admin',
      args: 'killswitch on',
    });
    expect(textOf(answer)).toContain('Only an operator');
    expect(
      (await t.h.app.db.systemSetting.findUnique({ where: { key: 'kill_switch' } }))?.value,
    ).toMatchObject({
      on: false,
    });
  });
});
