/**
 * SIGTERM while a BullMQ job is in flight: `cryptopulse start --roles worker` stops taking jobs, lets the
 * paper order it is executing finish, closes its connections and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { type AppContext, createAppContext } from '../core/context.ts';
import { createIdentityService } from '../core/identity/service.ts';
import { createLogger } from '../core/logger.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import { createOrderQueue, type OrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService } from '../core/trading/service.ts';
import { spawnCli } from '../test/support/cli.ts';
import { createTestContext, type TestContext } from '../test/support/context.ts';

// Long enough that SIGTERM surely lands while the paper exchange is "answering".
const LATENCY_MS = 2_500;

let t: TestContext;
let app: AppContext;
let orders: OrderQueue;

beforeAll(async () => {
  t = await createTestContext('sigterm');
  app = createAppContext(
    loadConfig({ ...t.env, EXCHANGE: 'sim', PAPER_LATENCY_MS: String(LATENCY_MS) }),
    createLogger({ level: 'silent' }),
  );
  orders = createOrderQueue(app);
});

afterAll(async () => {
  await orders.close();
  await app.close();
  await t.close();
});

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('graceful stop', () => {
  it('finishes the in-flight order job after SIGTERM, then exits 0', async () => {
    const worker = spawnCli(['start', '--roles', 'worker'], {
      ...t.env,
      EXCHANGE: 'sim',
      PAPER_LATENCY_MS: String(LATENCY_MS),
      LOG_LEVEL: 'info',
    });
    await worker.waitFor(/CryptoPulse is running/);

    const market = createMarketData(app);
    const trading = createTradingService(app, { market, queue: orders });
    const { userId } = await createIdentityService(app).resolveUser('telegram', 'sigterm-user');
    const actor = { userId, platform: 'telegram' as const, chatId: 'c1', chatKind: 'dm' as const };
    const proposal = await trading.propose(actor, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' });
    const confirmed = await trading.confirm(proposal.handle, actor);
    const orderId = confirmed.order.id;

    await until(
      async () => ((await orders.queue.getJobState(orderId)) === 'active' ? true : undefined),
      'job active',
    );
    const before = await app.db.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(before.status).not.toBe('FILLED'); // truly in flight when the signal arrives

    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;

    expect(code).toBe(0);
    const after = await app.db.order.findUniqueOrThrow({ where: { id: orderId }, include: { fills: true } });
    expect(after.status).toBe('FILLED');
    expect(after.fills).toHaveLength(1);
    expect(await orders.queue.getJobState(orderId)).toBe('completed');
    expect(worker.output()).toMatch(/"reason":"SIGTERM".*stopping/);
    expect(worker.output()).toMatch(/"role":"worker".*role stopped/);
    await market.close();
  }, 60_000);
});
