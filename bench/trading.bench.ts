/**
 * Trading core (issue 3), on its own database and Redis prefix:
 *  (a) one ticker through the Redis cache for 1,000 concurrent callers (the real ccxt Binance class
 *      against the local fake): p50/p99 latency and how many exchange calls they cost, cold and warm;
 *  (b) confirm → filled for paper orders through BullMQ at a sustained 200 orders/s for 30 s, with the
 *      worker role in its own process: p50/p99 latency, throughput, lost, expired and duplicated orders,
 *      and what each order costs: CPU per process group, Postgres transactions, Redis commands.
 *
 * The confirm bench runs on a redis-server of its own (BENCH_SHARED_REDIS=1: the shared one) and counts
 * only its own database's Postgres backends, so its CPU figures are its own even when other work shares
 * the machine: latency moves with the machine's load, CPU per order much less. BENCH_PHASES=1 adds where
 * an order's time goes (confirm, queue, worker, fill, event), p50/p90/p99 per phase.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb, type Db } from '../core/db/client.ts';
import { withDatabase } from '../core/db/url.ts';
import { createIdentityService } from '../core/identity/service.ts';
import type { Actor } from '../core/identity/types.ts';
import { CcxtMarketData } from '../core/market/ccxt-market.ts';
import { createMarketData } from '../core/market/create-market-data.ts';
import { CachedMarketData } from '../core/market/ticker-cache.ts';
import { createRedis, type Redis } from '../core/redis.ts';
import { readOrderEvents } from '../core/trading/order-events.ts';
import { createOrderQueue } from '../core/trading/order-queue.ts';
import { TERMINAL_STATUSES } from '../core/trading/order-states.ts';
import { createTradingService } from '../core/trading/service.ts';
import { createTradingTestContext } from '../core/trading/testing/app-context.ts';
import { startOwnRedis } from '../core/trading/testing/own-redis.ts';
import { startFakeExchange } from '../test/fakes/exchange/server.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import { type CpuSnapshot, cpuPerOperation, cpuSnapshot } from './cpu.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Trading: ticker cache, and confirm → filled (paper) through BullMQ';

const ROOT = join(import.meta.dirname, '..');
const CALLERS = 1_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** The main rate; a lower one compares CPU per order on a machine too busy to keep up with 200/s. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
const USERS = 300;
const WARMUP = 300;
/** p99 confirm → filled at 200/s before the money path's second pass (issue 12), quiet machine. */
const FINAL_EVENTS = new Set(['order.filled', 'order.expired', 'order.rejected', 'order.failed']);
const P99_GOAL = 'goal: within 10% of before the second pass (18 ms on a quiet machine)';

/**
 * BENCH_PHASES=1: where an order's time goes, p50/p90/p99 per phase over every measured order, from the
 * bench's own clock (confirm, event read), BullMQ's job timestamps (added, taken, finished) and the
 * database's (the FILLED transition's transaction start). One machine, so one clock.
 */
async function phaseRows(
  db: Db,
  redis: Redis,
  bullPrefix: string,
  confirmedAt: ReadonlyMap<string, number>,
  filledAt: ReadonlyMap<string, number>,
): Promise<BenchRow[]> {
  const ids = [...filledAt.keys()];
  const pipeline = redis.pipeline();
  for (const id of ids)
    pipeline.hmget(`${bullPrefix}:orders:${id}`, 'timestamp', 'processedOn', 'finishedOn');
  const jobs = ((await pipeline.exec()) ?? []).map(([, v]) => (v as string[]).map(Number));
  const fills = await db.orderEvent.findMany({
    where: { orderId: { in: ids }, toStatus: 'FILLED' },
    select: { orderId: true, at: true },
  });
  const filledTx = new Map(fills.map((e) => [e.orderId, e.at.getTime()]));
  const epoch = (t: number) => performance.timeOrigin + t;
  const phases = {
    'confirm → job added': [] as number[],
    'job added → taken by the worker': [] as number[],
    'taken → fill transaction begins': [] as number[],
    'fill transaction → job finished': [] as number[],
    'job finished → event read': [] as number[],
  };
  ids.forEach((id, i) => {
    const [added, taken, finished] = jobs[i] as [number, number, number];
    const confirmed = epoch(confirmedAt.get(id)!);
    const fill = filledTx.get(id)!;
    phases['confirm → job added'].push(added - confirmed);
    phases['job added → taken by the worker'].push(taken - added);
    phases['taken → fill transaction begins'].push(fill - taken);
    phases['fill transaction → job finished'].push(finished - fill);
    phases['job finished → event read'].push(epoch(filledAt.get(id)!) - finished);
  });
  return Object.entries(phases).map(([phase, v]) => ({
    metric: `phase: ${phase}`,
    value: `${ms(percentile(v, 50), 1)} / ${ms(percentile(v, 90), 1)} / ${ms(percentile(v, 99), 1)}`,
    note: 'p50 / p90 / p99 (BullMQ and Postgres stamp whole milliseconds)',
  }));
}

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

/**
 * CPU of the Postgres backends serving `database` (other databases on the server are not ours), sampled
 * every half second from a connection to another database: pools close idle connections and open new
 * ones, and a backend that exits between two readings would otherwise take its CPU with it.
 */
class BackendCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly admin: pg.Client;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    databaseUrl: string,
    private readonly database: string,
  ) {
    this.admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), 500);
  }

  private async sample(initial: boolean): Promise<void> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [this.database],
    );
    const used = cpuSnapshot(Object.fromEntries(rows.map((r) => [String(r.pid), r.pid])));
    for (const { pid } of rows) {
      const ms = used?.get(String(pid));
      if (ms === undefined) continue;
      // A backend born during the run counts from zero (its start-up is part of the cost).
      if (!this.first.has(pid)) this.first.set(pid, initial ? ms : 0);
      this.last.set(pid, ms);
    }
  }

  /** CPU ms used since start(). */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sample(false);
    await this.admin.end();
    let total = 0;
    for (const [pid, ms] of this.last) total += ms - (this.first.get(pid) ?? 0);
    return total;
  }
}

/** Committed transactions of `database` so far. */
async function commits(admin: Db, database: string): Promise<number> {
  const [row] = await admin.$queryRaw<{ n: bigint }[]>`
    SELECT xact_commit AS n FROM pg_stat_database WHERE datname = ${database}`;
  return Number(row?.n ?? 0);
}

/** Redis commands (by name) the server ran so far: only ours on a redis-server of our own. */
async function commandCounts(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

async function confirmBench(RATE: number, SECONDS: number): Promise<BenchRow[]> {
  const own = process.env.BENCH_SHARED_REDIS === '1' ? undefined : await startOwnRedis();
  const env = {
    EXCHANGE: 'sim',
    CONFIRM_TTL_SECONDS: '3600',
    ORDERS_PER_MINUTE: '100000',
    MAX_POSITION_NOTIONAL: '1000000',
    ORDER_CONCURRENCY: '8',
    TRIGGER_POLL_MS: '1000',
    ...(own ? { REDIS_URL: own.url } : {}),
  };
  const t = await createTradingTestContext('bench-confirm', env);
  const redisUrl = own?.url ?? t.test.redisUrl;
  const shared = own ? createRedis({ url: own.url, name: 'bench-shared' }) : t.app.redis;
  const extra: Redis[] = [];
  // Like the API process: a pool sized for the load (the test context's is small).
  const app = {
    ...t.app,
    redis: shared,
    newRedis: (name: string) => {
      const r = createRedis({ url: redisUrl, name });
      extra.push(r);
      return r;
    },
    db: createDb(t.test.databaseUrl, {
      poolSize: 20,
      preparedStatements: process.env.DATABASE_PREPARED_STATEMENTS !== 'false',
    }),
  };
  const database = new URL(t.test.databaseUrl).pathname.slice(1);
  const queue = createOrderQueue(app);
  const market = createMarketData(app);
  const service = createTradingService(app, { market, queue });
  const identity = createIdentityService(app);
  let worker: ChildProcess | undefined;
  const reader = createRedis({ url: redisUrl, name: 'bench-events' });
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

    // BENCH_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const workerArgs = [...profile, '--import', 'tsx', join(ROOT, 'worker/testing/worker-process.ts')];
    worker = spawn(process.execPath, workerArgs, {
      cwd: ROOT,
      env: { ...process.env, ...t.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      worker!.stdout!.on('data', (d: Buffer) => d.includes('worker-ready') && resolve()),
    );
    // Warm up (connections, JIT, caches) at the same rate; these orders are not measured. Every one of
    // them has ended (filled, or expired on a busy machine) before the measured run starts: the worker
    // runs eight at a time, not in order.
    const warmupOrders = proposals.splice(0, warmup);
    for (const p of warmupOrders) {
      await new Promise((r) => setTimeout(r, 1000 / RATE));
      await service.confirm(p.handle, p.actor);
    }
    const warmupIds = warmupOrders.map((p) => p.orderId);
    while (
      (await app.db.order.count({
        where: { id: { in: warmupIds }, status: { in: [...TERMINAL_STATUSES] } },
      })) < warmup
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }

    const confirmedAt = new Map<string, number>();
    const filledAt = new Map<string, number>();
    // Orders in a final state (filled, expired, rejected, failed): the run ends when all are.
    const done = new Set<string>();
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
          // Only the measured orders: an event of a warm-up order may still arrive.
          if (!('orderId' in event) || !confirmedAt.has(event.orderId)) continue;
          if (FINAL_EVENTS.has(event.type)) done.add(event.orderId);
          if (event.type !== 'order.filled') continue;
          filledEvents++;
          if (!filledAt.has(event.orderId)) filledAt.set(event.orderId, performance.now());
        }
      }
    })();

    const ownPid = own ? Number(/process_id:(\d+)/.exec(await reader.info('server'))?.[1]) : undefined;
    const processes: Record<string, number | undefined> = {
      'API side (this process)': process.pid,
      worker: worker.pid,
      ...(own ? { 'redis (own server)': ownPid } : {}),
    };
    const backends = new BackendCpu(t.test.databaseUrl, database);
    await backends.start();
    const commitsBefore = await commits(t.test.db, database);
    const commandsBefore = own ? await commandCounts(reader) : undefined;
    const cpuBefore = cpuSnapshot(processes);
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
    // Every order filled or expired (MAX_EXECUTION_DELAY_SECONDS after its confirmation), with a margin.
    const drainDeadline = Date.now() + 90_000;
    while (done.size < total && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
    const cpuAfter = cpuSnapshot(processes);
    const backendMs = await backends.stop();
    const commitsAfter = await commits(t.test.db, database);
    reading = false;
    await readLoop;
    const commandsAfter = own ? await commandCounts(reader) : undefined;
    const withServers = (snapshot: CpuSnapshot | undefined, postgres: number) => {
      if (!snapshot) return undefined;
      const groups = new Map([...snapshot].filter(([g]) => g in processes));
      groups.set('postgres (this database)', postgres);
      if (!own) groups.set('redis (shared server, everyone)', snapshot.get('redis') ?? 0);
      return groups;
    };
    const cpu = cpuPerOperation(withServers(cpuBefore, 0), withServers(cpuAfter, backendMs), total);
    const redisCommands =
      commandsBefore && commandsAfter
        ? [...commandsAfter]
            .map(([name, n]) => [name, (n - (commandsBefore.get(name) ?? 0)) / total] as const)
            .filter(([name, n]) => n >= 0.05 && name !== 'info')
            .sort((a, b) => b[1] - a[1])
        : undefined;

    const latencies = [...filledAt].map(([id, at]) => at - confirmedAt.get(id)!);
    const lastFill = Math.max(...filledAt.values());
    const phases = process.env.BENCH_PHASES
      ? await phaseRows(app.db, reader, t.app.keys.bullPrefix, confirmedAt, filledAt)
      : [];
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
      {
        metric: 'confirm → filled p99',
        value: ms(percentile(latencies, 99)),
        note: RATE === 200 ? P99_GOAL : '',
      },
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
      ...phases,
      ...[...(cpu ?? new Map([['all', Number.NaN]]))].map(([group, perOrder]) => ({
        metric: `CPU per order: ${group}`,
        value: Number.isNaN(perOrder) ? 'n/a' : ms(perOrder),
        note: group === 'API side (this process)' ? 'confirmations and the event reader' : '',
      })),
      {
        metric: 'Postgres transactions per order',
        value: ((commitsAfter - commitsBefore) / total).toFixed(2),
        note: 'commits of this database (the relay and the watcher included)',
      },
      ...(redisCommands
        ? [
            {
              metric: 'Redis commands per order',
              value: redisCommands.reduce((a, [, n]) => a + n, 0).toFixed(1),
              note: redisCommands.map(([name, n]) => `${name} ${n.toFixed(1)}`).join(', '),
            },
          ]
        : []),
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
    for (const r of extra) r.disconnect();
    if (own) shared.disconnect();
    await t.close();
    await own?.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  await setupTestDatabases();
  return [
    ...(await tickerBench()),
    ...(await confirmBench(RATE, SECONDS)),
    // The same at half the rate: the latency when the machine keeps up.
    ...(await confirmBench(RATE / 2, Math.ceil(SECONDS / 3))).map((r) => ({
      ...r,
      metric: `@${RATE / 2}/s: ${r.metric}`,
    })),
  ];
}
