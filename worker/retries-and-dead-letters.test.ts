/**
 * Live orders through BullMQ against the fake exchange: retryable errors are retried with backoff,
 * fatal ones and exhausted retries end FAILED, in the dead-letter queue, with the owner told.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleHandle } from '../core/context.ts';
import type { Actor } from '../core/identity/types.ts';
import { clientOrderIdFor } from '../core/trading/ids.ts';
import {
  createOrderQueue,
  DEAD_LETTER_QUEUE,
  type DeadLetterData,
  type OrderQueue,
} from '../core/trading/order-queue.ts';
import { createTradingService, type TradingService } from '../core/trading/service.ts';
import { createLiveHarness, type LiveHarness } from '../core/trading/testing/live.ts';
import { startWorkerRole } from './role.ts';
import { waitForEvent, waitForStatus } from './testing/wait.ts';

describe('worker role: retries and the dead-letter queue (live, Binance on the fake)', () => {
  let h: LiveHarness;
  let worker: RoleHandle;
  let queue: OrderQueue;
  let service: TradingService;
  let dlq: Queue<DeadLetterData>;
  let trader: Actor;
  beforeAll(async () => {
    h = await createLiveHarness('binance', 'worker-dlq', {
      ORDER_ATTEMPTS: '3',
      ORDER_BACKOFF_MS: '50',
      TRIGGER_POLL_MS: '200',
    });
    trader = await h.liveUser('trader');
    worker = await startWorkerRole(h.app);
    queue = createOrderQueue(h.app);
    service = createTradingService(h.app, { market: h.market, queue });
    dlq = new Queue(DEAD_LETTER_QUEUE, { connection: h.app.redis, prefix: h.app.keys.bullPrefix });
  });
  afterAll(async () => {
    await worker.stop();
    await dlq.close();
    await queue.close();
    await h.close();
  });

  async function confirmed(): Promise<string> {
    const p = await service.propose(trader, { symbol: 'eth', side: 'buy', amount: '0.05' });
    await service.confirm(p.handle, trader);
    return p.orderId;
  }

  it('retries a rate-limited order and fills it once', async () => {
    h.fake.state.inject('createOrder', { kind: 'rate-limit', status: 429 });
    h.fake.state.inject('createOrder', { kind: 'rate-limit', status: 418 });
    const id = await confirmed();
    expect(await waitForStatus(h.app.db, id, ['FILLED', 'FAILED'])).toBe('FILLED');
    expect(h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(id))).toHaveLength(1);
    expect(await dlq.getJob(id)).toBeUndefined();
  });

  it('fails a fatal rejection at once: FAILED, dead-lettered, owner told, not retried', async () => {
    const before = h.fake.state.requests.createOrder;
    h.fake.state.inject('createOrder', { kind: 'insufficient-funds' });
    const id = await confirmed();
    const event = await waitForEvent(
      h.app.redis,
      h.app.keys,
      (e) => e.type === 'order.failed' && e.orderId === id,
    );
    expect(event).toMatchObject({ code: 'ERR_INSUFFICIENT_FUNDS' });
    expect(await waitForStatus(h.app.db, id, ['FAILED'])).toBe('FAILED');
    expect(h.fake.state.requests.createOrder - before).toBe(1);
    const dead = await dlq.getJob(id);
    expect(dead?.data).toMatchObject({ orderId: id, code: 'ERR_INSUFFICIENT_FUNDS', attempts: 1 });
  });

  it('an order filled at the exchange after its retries ran out is recorded as filled', async () => {
    // createOrder reaches the exchange but its answer never arrives; every lookup fails too, until the
    // retries are spent. The exchange filled it all along: it must end FILLED, never FAILED.
    h.fake.state.inject('createOrder', { kind: 'timeout-after-record', holdMs: 1_500 });
    h.fake.state.inject('fetchOrder', { kind: 'http500' }, 4);
    const id = await confirmed();
    for (let i = 0; i < 300 && !(await dlq.getJob(id)); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await dlq.getJob(id))?.data).toMatchObject({ orderId: id, attempts: 3 });
    const checking = await h.app.db.order.findUniqueOrThrow({ where: { id } });
    expect(checking.status).toBe('SUBMITTED');
    expect(checking.error).toMatch(/keep checking/);
    // The watcher reconciles it by client id (its exchange id was never recorded) once lookups answer.
    expect(await waitForStatus(h.app.db, id, ['FILLED', 'FAILED'], 20_000)).toBe('FILLED');
    const order = await h.app.db.order.findUniqueOrThrow({ where: { id }, include: { fills: true } });
    expect(order.fills).toHaveLength(1);
    expect(h.fake.state.orders.filter((o) => o.clientOrderId === clientOrderIdFor(id))).toHaveLength(1);
    const history = await h.app.db.orderEvent.findMany({ where: { orderId: id }, orderBy: { id: 'asc' } });
    expect(history.map((e) => e.toStatus)).toEqual([
      'PROPOSED',
      'CONFIRMED',
      'QUEUED',
      'SUBMITTED',
      'FILLED',
    ]);
    // The dead-letter copy and the logs carry our own words, not the venue's (URLs, keys).
    expect((await dlq.getJob(id))?.data.message).not.toMatch(/https?:|signature|key-/);
  }, 30_000);
});
