/**
 * Fencing. The per-order advisory lock dies with its database connection, but the worker that held it
 * may still be running. Here worker A claims a live order and is held up on its way to the exchange; its
 * lock connection is terminated (`pg_terminate_backend`), worker B takes the order and places it. When A
 * wakes up, its attempt number is no longer the order's: it sends nothing and books nothing. Exactly one
 * createOrder reaches the exchange, one fill is booked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeClients } from './exchange-clients.ts';
import { clientOrderIdFor } from './ids.ts';
import { executeLiveOrder, type LiveDeps } from './live-executor.ts';
import { pgOrderLocks } from './order-lock.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';

describe('two workers, one order, the first one cut off from the database', () => {
  let h: LiveHarness;
  let b: LiveDeps & { close(): Promise<void> };
  beforeAll(async () => {
    h = await createLiveHarness('binance', 'fencing', { EXCHANGE_TIMEOUT_MS: '5000' });
    const locks = pgOrderLocks(h.test.databaseUrl, 2);
    const clients = exchangeClients(h.app.db, h.app.config);
    b = {
      ...h.live,
      locks,
      clients,
      async close() {
        await clients.close();
        await locks.close();
      },
    };
  });
  afterAll(async () => {
    await b.close();
    await h.close();
  });

  async function lockHolderPids(): Promise<number[]> {
    const rows = await h.app.db.$queryRaw<{ pid: number }[]>`
      SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`;
    return rows.map((r) => r.pid);
  }

  it("the holder's database connection terminated while it executes, a second worker running: exactly one execution", async () => {
    const erin = await h.liveUser('erin');
    const p = await h.service.propose(erin, { symbol: 'eth', side: 'buy', amount: '0.02' });
    await h.service.confirm(p.handle, erin);
    // A's first exchange call after its claim (its client loading the markets) is held 1.5 s.
    const marketsBefore = h.fake.state.requests.markets;
    h.fake.state.inject('markets', { kind: 'delay', holdMs: 1_500 });
    const a = executeLiveOrder(h.live, p.orderId).then(
      (outcome) => ({ outcome }),
      (error: unknown) => ({ error }),
    );
    while (h.fake.state.requests.markets === marketsBefore) await new Promise((r) => setTimeout(r, 10));
    expect((await h.app.db.order.findUniqueOrThrow({ where: { id: p.orderId } })).status).toBe('SUBMITTED');

    const pids = await lockHolderPids();
    expect(pids).toHaveLength(1);
    await h.app.db.$queryRaw`SELECT pg_terminate_backend(${pids[0]}::int)`;
    // Worker B now takes the order: it looks first, finds nothing, places it once.
    const outcomeB = await executeLiveOrder(b, p.orderId);
    expect(outcomeB.kind).toBe('filled');

    const resultA = await a;
    expect('error' in resultA ? (resultA.error as Error).name : resultA.outcome.kind).not.toBe('filled');
    const order = await h.app.db.order.findUniqueOrThrow({
      where: { id: p.orderId },
      include: { fills: true },
    });
    expect(order.status).toBe('FILLED');
    expect(order.fills).toHaveLength(1);
    expect(h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(p.orderId))).toHaveLength(
      1,
    );
    expect(h.fake.state.duplicateAttempts).toBe(0);
  }, 30_000);
});
