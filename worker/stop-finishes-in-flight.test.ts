/** Stopping the worker role: it takes no new job, finishes the one in flight, then lets go. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityService } from '../core/identity/service.ts';
import type { Actor } from '../core/identity/types.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import { createOrderQueue, type OrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService, type TradingService } from '../core/trading/service.ts';
import { createTradingTestContext, type TradingTestContext } from '../core/trading/testing/app-context.ts';
import { startWorkerRole } from './role.ts';

describe('worker role: graceful stop', () => {
  let t: TradingTestContext;
  let queue: OrderQueue;
  let service: TradingService;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTradingTestContext('worker-stop', {
      EXCHANGE: 'sim',
      PAPER_LATENCY_MS: '700',
      ORDER_CONCURRENCY: '1',
    });
    queue = createOrderQueue(t.app);
    service = createTradingService(t.app, { market: createMarketData(t.app), queue });
    const { userId } = await createIdentityService(t.app).resolveUser('discord', '7');
    alice = { userId, platform: 'discord' };
  });
  afterAll(async () => {
    await queue.close();
    await t.close();
  });

  it('lets the in-flight order fill and leaves the next one queued', async () => {
    const worker = await startWorkerRole(t.app);
    const first = await service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.001' });
    await service.confirm(first.handle, alice);
    for (;;) {
      const job = await queue.queue.getJob(first.orderId);
      if ((await job?.getState()) === 'active') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const stopping = worker.stop();
    const second = await service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.001' });
    await service.confirm(second.handle, alice);
    await stopping;
    expect((await service.order(first.orderId, alice)).status).toBe('FILLED');
    expect((await service.order(second.orderId, alice)).status).toBe('QUEUED');
    // The next worker picks it up.
    const next = await startWorkerRole(t.app);
    for (let i = 0; i < 200 && (await service.order(second.orderId, alice)).status !== 'FILLED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await next.stop();
    expect((await service.order(second.orderId, alice)).status).toBe('FILLED');
  });
});
