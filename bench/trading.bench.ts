/**
 * Trading core (issue 3), on its own database and Redis prefix:
 *  (a) one ticker through the Redis cache for 1,000 concurrent callers (the real ccxt Binance class
 *      against the local fake): p50/p99 latency and how many exchange calls they cost, cold and warm;
 *  (b) confirm → filled for paper orders through BullMQ at a sustained 200 orders/s for 30 s, with the
 *      worker role in its own process: p50/p99 latency, throughput, lost and duplicated orders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb } from '../core/db/client.ts';
import { createIdentityService } from '../core/identity/service.ts';
import type { Actor } from '../core/identity/types.ts';
import { CcxtMarketData } from '../core/market/ccxt-market.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import { CachedMarketData } from '../core/market/ticker-cache.ts';
import { createRedis } from '../core/redis.ts';
import { readOrderEvents } from '../core/trading/order-events.ts';
import { createOrderQueue } from '../core/trading/order-queue.ts';
import { createTradingService } from '../core/trading/service.ts';
import { createTradingTestContext } from '../core/trading/testing/app-context.ts';
import { startFakeExchange } from '../test/fakes/exchange/server.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import { cpuPerOperation, cpuSnapshot } from './cpu.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Trading: ticker cache, and confirm → filled (paper) through BullMQ';

const ROOT = join(import.meta.dirname, '..');
const CALLERS = 1_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const USERS = 300;
const WARMUP = 300;

async function tickerBench(): Promise<BenchRow[]> {
  const t = await createTradingTestContext('bench-ticker');
  const fake = await startFakeExchange('binance');
  const upstream = new CcxtMarketData('binance', { apiBase: fake.url, throttle: false });
  await upstream.markets();
  const cache = new CachedMarketData(upstream, t.app.redis, t.app.keys, { ttlMs: 60_000 });
  const rows: BenchRow[] = [];
  try {
    for (const phase of ['cold', 'warm'] as const) {
      const before = fake.state.requests.ticker;
      const latencies = await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          const start = performance.now();
          await cache.ticker('BTC/USDT');
          return performance.now() - start;
        }),
      );
      const calls = fake.state.requests.ticker - before;
      rows.push(
        { metric: `ticker ${phase}, ${CALLERS} concurrent: p50`, value: ms(percentile(latencies, 50)) },
        { metric: `ticker ${phase}, ${CALLERS} concurrent: p99`, value: ms(percentile(latencies, 99)) },
        { metric: `ticker ${phase}: exchange calls`, value: String(calls), note: `for ${CALLERS} callers` },
      );
    }
  } finally {
    await upstream.close();
    await fake.close();
    await t.close();
  }
  return rows;
}

async function confirmBench(RATE: number, SECONDS: number): Promise<BenchRow[]> {
  const env = {
    EXCHANGE: 'sim',
    CONFIRM_TTL_SECONDS: '3600',
    ORDERS_PER_MINUTE: '100000',
    MAX_POSITION_NOTIONAL: '1000000',
    ORDER_CONCURRENCY: '8',
    TRIGGER_POLL_MS: '1000',
  };
  const t = await createTradingTestContext('bench-confirm', env);
  // Like the API process: a pool sized for the load (the test context's is small).
  const app = {
    ...t.app,
    db: createDb(t.test.databaseUrl, {
      poolSize: 20,
      preparedStatements: process.env.DATABASE_PREPARED_STATEMENTS !== 'false',
    }),
  };
  const queue = createOrderQueue(app);
  const market = createMarketData(app);
  const service = createTradingService(app, { market, queue });
  const identity = createIdentityService(app);
  let worker: ChildProcess | undefined;
  const reader = createRedis({ url: t.test.redisUrl, name: 'bench-events' });
  try {
    const users: Actor[] = [];
    for (let i = 0; i < USERS; i++) {
      users.push({
        userId: (await identity.resolveUser('telegram', `bench${i}`)).userId,
        platform: 'telegram',
      });
    }
    // Proposals first (they are not what we measure), then confirmations at a steady rate.
    const total = RATE * SECONDS;
    const warmup = WARMUP;
    const proposals: { orderId: string; handle: string; actor: Actor }[] = [];
    for (let i = 0; i < total + warmup; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, total + warmup - i) }, async (_, k) => {
          const actor = users[(i + k) % USERS]!;
          const p = await service.propose(actor, { symbol: 'xrp', side: 'buy', amount: '20' });
          return { orderId: p.orderId, handle: p.handle, actor };
        }),
      );
      proposals.push(...batch);
    }

    worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker/testing/worker-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...t.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      worker!.stdout!.on('data', (d: Buffer) => d.includes('worker-ready') && resolve()),
    );
    // Warm up (connections, JIT, caches) at the same rate; these orders are not measured.
    for (const [i, p] of proposals.splice(0, warmup).entries()) {
      await new Promise((r) => setTimeout(r, 1000 / RATE));
      await service.confirm(p.handle, p.actor);
      if (i === warmup - 1) {
        while ((await app.db.order.count({ where: { id: p.orderId, status: 'FILLED' } })) === 0) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }

    const confirmedAt = new Map<string, number>();
    const filledAt = new Map<string, number>();
    let filledEvents = 0;
    let reading = true;
    const readLoop = (async () => {
      let after = '$';
      while (reading) {
        for (const { id, event } of await readOrderEvents(reader, t.app.keys, after, {
          count: 1000,
          blockMs: 100,
        })) {
          after = id;
          if (event.type !== 'order.filled') continue;
          filledEvents++;
          if (!filledAt.has(event.orderId)) filledAt.set(event.orderId, performance.now());
        }
      }
    })();

    const cpuBefore = cpuSnapshot({ 'API side (this process)': process.pid, worker: worker.pid });
    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    let confirmErrors = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = proposals[i]!;
      confirmedAt.set(p.orderId, performance.now());
      inFlight.push(
        service.confirm(p.handle, p.actor).catch((err: unknown) => {
          if (confirmErrors++ < 3) console.error('confirm failed:', err);
        }),
      );
    }
    await Promise.all(inFlight);
    const sent = performance.now();
    const drainDeadline = Date.now() + 60_000;
    while (filledAt.size < total && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
    const cpu = cpuPerOperation(
      cpuBefore,
      cpuSnapshot({ 'API side (this process)': process.pid, worker: worker.pid }),
      total,
    );
    reading = false;
    await readLoop;

    const latencies = [...filledAt].map(([id, at]) => at - confirmedAt.get(id)!);
    const lastFill = Math.max(...filledAt.values());
    const ids = proposals.map((p) => p.orderId);
    const filledRows = await app.db.order.count({ where: { id: { in: ids }, status: 'FILLED' } });
    // Not lost: a market order the machine could not execute within MAX_EXECUTION_DELAY_SECONDS of its
    // confirmation is EXPIRED (and its owner told) instead of filled at a price nobody saw.
    const expiredRows = await app.db.order.count({ where: { id: { in: ids }, status: 'EXPIRED' } });
    const fills = await app.db.fill.groupBy({
      by: ['orderId'],
      where: { orderId: { in: ids } },
      _count: true,
    });
    const duplicated = fills.filter((f) => f._count > 1).length + Math.max(0, filledEvents - filledAt.size);
    return [
      { metric: 'confirm → filled p50', value: ms(percentile(latencies, 50)) },
      { metric: 'confirm → filled p99', value: ms(percentile(latencies, 99)), note: 'goal ≤ 100 ms' },
      { metric: 'confirm → filled max', value: ms(Math.max(...latencies)) },
      {
        metric: 'confirmations offered',
        value: `${total} in ${((sent - start) / 1000).toFixed(1)} s`,
        note: `target ${RATE}/s for ${SECONDS} s`,
      },
      {
        metric: 'throughput (filled)',
        value: `${(filledAt.size / ((lastFill - start) / 1000)).toFixed(1)} orders/s`,
      },
      {
        metric: 'lost (neither filled nor expired)',
        value: String(total - filledRows - expiredRows),
        note: `${confirmErrors} confirm errors`,
      },
      {
        metric: 'expired (past MAX_EXECUTION_DELAY_SECONDS)',
        value: String(expiredRows),
        note: 'the machine did not keep up',
      },
      { metric: 'duplicated (fills or events)', value: String(duplicated) },
      ...[...(cpu ?? new Map([['all', Number.NaN]]))].map(([group, perOrder]) => ({
        metric: `CPU per order: ${group}`,
        value: Number.isNaN(perOrder) ? 'n/a' : ms(perOrder),
        note: group === 'API side (this process)' ? 'confirmations and the event reader' : '',
      })),
    ];
  } finally {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    reader.disconnect();
    await queue.close();
    await market.close();
    await app.db.$disconnect();
    await t.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  await setupTestDatabases();
  return [
    ...(await tickerBench()),
    ...(await confirmBench(200, SECONDS)),
    // The same at half the rate: the latency when the machine keeps up.
    ...(await confirmBench(100, Math.ceil(SECONDS / 3))).map((r) => ({
      ...r,
      metric: `@100/s: ${r.metric}`,
    })),
  ];
}
