/**
 * `cancel all` when one of the open orders can no longer be cancelled (the worker took it meanwhile):
 * the others are cancelled and the reply says which were and which were not, instead of an error that
 * hides the cancellations that did happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, createAgentHarness, textOf } from '../agent/testing/harness.ts';

describe('cancel all after a partial success', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('cancel-all-partial');
  });
  afterAll(() => t?.close());

  it('reports what was cancelled and what was not', async () => {
    const alice = await t.h.user('alice');
    const ids: string[] = [];
    for (const amount of ['0.1', '0.2', '0.3']) {
      const p = await t.h.service.propose(alice, { symbol: 'eth', side: 'buy', amount });
      await t.h.service.confirm(p.handle, alice);
      ids.push(p.orderId);
    }
    // The worker has claimed the second one: it is being executed and cannot be cancelled any more.
    await t.h.app.db.order.update({ where: { id: ids[1] }, data: { status: 'SUBMITTED' } });

    const reply = textOf(await t.command('alice', 'cancel', 'all'));
    expect(reply).toContain('Cancelled 2 orders');
    expect(reply).toContain('Not cancelled (1 order)');
    expect(reply).toContain(ids[1]!.slice(0, 8));
    const statuses = await t.h.app.db.order.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true },
    });
    const by = new Map(statuses.map((o) => [o.id, o.status]));
    expect(ids.map((id) => by.get(id))).toEqual(['CANCELLED', 'SUBMITTED', 'CANCELLED']);
  });
});
