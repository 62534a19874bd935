/**
 * The crash test. Two worker processes at once execute live orders against the fake Binance; one of them
 * is killed with SIGKILL at least 20 times, each time an order has just been recorded at the exchange
 * (its answer still on the way), while the other keeps working. Replacements resume the stalled jobs. In
 * the end every confirmed order was executed exactly once: one order per client id at the exchange, no
 * second createOrder ever sent, one fill and FILLED in Postgres.
 *
 * Spares are loaded (imports done) before they are needed and share Node's compile cache, so a kill
 * costs a process start of about a second and a half instead of three: the test is bound by how fast
 * 23 worker processes can start on a small machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/identity/types.ts';
import { clientOrderIdFor } from '../core/trading/ids.ts';
import { createOrderQueue, type OrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService } from '../core/trading/service.ts';
import { createLiveHarness, type LiveHarness } from '../core/trading/testing/live.ts';

const ROOT = join(import.meta.dirname, '..');
const ORDERS = 40;
const KILLS = 21;
const SPARES = 2;
/** Workers running at the same time. */
const ACTIVE = 2;

interface Child {
  readonly proc: ChildProcess;
  loaded: boolean;
  exited: boolean;
}

describe('crash test: SIGKILL mid-execution, every order executed exactly once', () => {
  let h: LiveHarness;
  let queue: OrderQueue;
  const children = new Set<Child>();

  beforeAll(async () => {
    h = await createLiveHarness('binance', 'crash', {
      ORDER_LOCK_MS: '1000',
      ORDER_CONCURRENCY: '3',
      ORDER_ATTEMPTS: '100',
      ORDER_BACKOFF_MS: '50',
      ORDERS_PER_MINUTE: '1000',
      TRIGGER_POLL_MS: '500',
      EXCHANGE_TIMEOUT_MS: '3000',
      // Market orders expire MAX_EXECUTION_DELAY_SECONDS (default 30) after their confirmation. This test
      // confirms 40 at once and then takes longer than that to run them through 21 crashes, so with the
      // default most would (rightly) expire unplaced; what is tested here is exactly once, so they wait.
      MAX_EXECUTION_DELAY_SECONDS: '3600',
    });
    queue = createOrderQueue(h.app);
    process.once('exit', killChildren);
  });
  afterAll(async () => {
    await killChildren();
    process.off('exit', killChildren);
    await queue?.close();
    await h?.close();
  });

  /** No worker outlives the test, whatever happened in it. */
  function killChildren(): Promise<unknown> {
    const all = [...children];
    for (const c of all) if (!c.exited) c.proc.kill('SIGKILL');
    return Promise.all(all.map((c) => (c.exited ? undefined : once(c.proc, 'exit'))));
  }

  /** A loaded worker process waiting for "go": the node process itself, so SIGKILL hits the worker. */
  function spawnSpare(): Child {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'worker/testing/worker-process.ts'), '--wait'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...h.env,
          LOG_LEVEL: 'silent',
          NODE_COMPILE_CACHE: join(tmpdir(), 'cryptopulse-test-compile-cache'),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const child: Child = { proc, loaded: false, exited: false };
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('loaded')) child.loaded = true;
    });
    proc.stdin!.on('error', () => undefined);
    proc.once('exit', () => {
      child.exited = true;
      children.delete(child);
    });
    children.add(child);
    return child;
  }

  it(`survives ${KILLS} kills without losing or duplicating an order`, async () => {
    // Spares load while the orders are proposed.
    let spares: Child[] = [spawnSpare(), spawnSpare()];
    const service = createTradingService(h.app, { market: h.market, queue });
    const traders: Actor[] = [];
    for (let i = 0; i < 4; i++) traders.push(await h.liveUser(`crash${i}`));
    const orderIds: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const trader = traders[i % traders.length]!;
      const p = await service.propose(trader, {
        symbol: 'eth',
        side: i % 5 === 4 ? 'sell' : 'buy',
        amount: '0.01',
      });
      expect((await service.confirm(p.handle, trader)).status).toBe('confirmed');
      orderIds.push(p.orderId);
    }

    // Two workers run at once; on every order recorded at the exchange one of them (in turn) is killed,
    // with its own orders in flight. Every answer to createOrder is held a little after the order is
    // recorded: the window in which it dies.
    h.fake.state.createOrderDelayMs = 150;
    let active: Child[] = [];
    let kills = 0;
    let killsBesideAnother = 0;
    const stopKilling = h.fake.state.onOrder(() => {
      // Kill whenever a worker runs: waiting for both to run would let the survivor finish everything
      // while a replacement starts (and the test would end with too few kills).
      if (kills >= KILLS || active.length === 0) return;
      const victim = active[kills % active.length]!;
      if (active.length >= ACTIVE) killsBesideAnother++;
      victim.proc.kill('SIGKILL');
      active = active.filter((c) => c !== victim);
      kills++;
    });

    const deadline = Date.now() + 170_000;
    // Every final state counts as done, so a wrong outcome fails the assertions below at once.
    const final = ['FILLED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const;
    const done = async () =>
      h.app.db.order.count({ where: { id: { in: orderIds }, status: { in: [...final] } } });
    while ((await done()) < ORDERS) {
      if (Date.now() > deadline) {
        const by = await h.app.db.order.groupBy({
          by: ['status'],
          where: { id: { in: orderIds } },
          _count: true,
        });
        const statuses = by.map((g) => `${g.status} ${g._count}`).join(', ');
        throw new Error(`stuck after ${kills} kills: ${statuses}`);
      }
      spares = spares.filter((c) => !c.exited);
      active = active.filter((c) => !c.exited);
      while (spares.length < (kills < KILLS ? SPARES : 1)) spares.push(spawnSpare());
      for (const ready of spares.filter((c) => c.loaded)) {
        if (active.length >= ACTIVE) break;
        spares = spares.filter((c) => c !== ready);
        ready.proc.stdin!.write('go\n');
        active.push(ready);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    stopKilling();
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.all([...children].map((c) => (c.exited ? undefined : once(c.proc, 'exit'))));

    expect(kills).toBeGreaterThanOrEqual(20);
    // Some of the kills hit one worker while the other was running: two executors at once.
    expect(killsBesideAnother).toBeGreaterThan(0);
    // Postgres: every order filled, exactly one fill each.
    const orders = await h.app.db.order.findMany({
      where: { id: { in: orderIds } },
      include: { fills: true },
    });
    expect(orders.map((o) => o.status)).toEqual(orderIds.map(() => 'FILLED'));
    expect(orders.every((o) => o.fills.length === 1)).toBe(true);
    // The exchange: exactly one order per client id, nothing else, and no second attempt was ever sent.
    for (const id of orderIds) {
      expect(
        h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(id)),
        id,
      ).toHaveLength(1);
    }
    expect(h.fake.state.placedCount).toBe(ORDERS);
    expect(h.fake.state.duplicateAttempts).toBe(0);
    // The crash window was really hit: resumed orders were found by client id instead of re-sent.
    expect(h.fake.state.requests.fetchOrder).toBeGreaterThan(0);
  }, 200_000);
});
