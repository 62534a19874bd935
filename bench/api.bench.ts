/**
 * Signals API (issue 14), servers in a child process, one load generator (autocannon) in this one:
 *  (a) GET /v1/signals?limit=50 against a bare Fastify hello-world in the same run: req/s and p99
 *      (goal: the API at least 50% of hello-world);
 *  (b) SSE fan-out: 2,000 clients on /v1/signals/stream, time from XADD to receipt, p50/p99 over every
 *      delivery and the time until all 2,000 have an entry (goal p99 ≤ 250 ms);
 *  (c) resident memory of the server process per idle SSE connection (goal ≤ 20 KiB).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal, seedSignals } from '../core/signals/testing/fixtures.ts';
import { createTestContext } from '../test/support/context.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Signals API: REST throughput vs hello-world, SSE fan-out, memory per stream';

const ROOT = join(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 2_000);
const ENTRIES = 20;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

async function load(url: string): Promise<{ rps: number; p99: number }> {
  const result = await autocannon({ url, connections: 50, pipelining: 1, duration: SECONDS });
  return { rps: result.requests.average, p99: result.latency.p99 };
}

interface SseClient {
  readonly received: Map<string, number>;
  ready: Promise<void>;
  close(): void;
}

/** A lean SSE client: counts `id:` lines and notes when each arrived. */
function sseClient(port: number): SseClient {
  const received = new Map<string, number>();
  let close = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/signals/stream', agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let rest = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        // Lines may be split across chunks: keep the unfinished one for the next chunk.
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('retry:')) resolve();
          else if (line.startsWith('id: ')) received.set(line.slice(4), at);
        }
      });
    });
    req.on('error', reject);
    req.end();
    close = () => req.destroy();
  });
  return { received, ready, close: () => close() };
}

export async function run(): Promise<readonly BenchRow[]> {
  await setupTestDatabases();
  const t = await createTestContext('bench-api');
  const signals = Array.from({ length: 200 }, (_, i) =>
    sampleSignal({ candleTime: Date.UTC(2026, 0, 1) + i * 300_000 }),
  );
  await seedSignals(t.db, t.redis, t.keys, signals);
  // BENCH_CPU_PROF=<dir>: the server process writes a V8 CPU profile there on exit (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', join(ROOT, 'bench/api-server.ts')], {
    env: {
      ...process.env,
      ...t.env,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      SSE_MAX_CONNECTIONS_PER_IP: String(CLIENTS + 10),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const clients: SseClient[] = [];
  try {
    const [helloPort, apiPort] = await new Promise<[number, number]>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /READY (\d+) (\d+)/.exec(d.toString());
        if (m) resolve([Number(m[1]), Number(m[2])]);
      });
      child.once('exit', (code) => reject(new Error(`api server exited with ${code}`)));
    });
    await load(`http://127.0.0.1:${apiPort}/v1/signals?limit=50`); // warm-up (JIT, pools)
    const hello = await load(`http://127.0.0.1:${helloPort}/`);
    const api = await load(`http://127.0.0.1:${apiPort}/v1/signals?limit=50`);

    await new Promise((r) => setTimeout(r, 1_000));
    const rssBefore = rssKiB(child.pid!);
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, () => sseClient(apiPort));
      clients.push(...batch);
      await Promise.all(batch.map((c) => c.ready));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfter = rssKiB(child.pid!);

    const sentAt = new Map<string, number>();
    for (let i = 0; i < ENTRIES; i++) {
      const before = performance.now();
      const id = await appendEntry(t.redis, t.keys, 'signals:paper', {
        type: 'signal',
        data: sampleSignal({ candleTime: Date.UTC(2026, 1, 1) + i * 300_000 }),
      });
      sentAt.set(id, before);
      await new Promise((r) => setTimeout(r, 250));
    }
    // Under heavy machine load deliveries lag by seconds; give the last entries time to arrive.
    await new Promise((r) => setTimeout(r, 5_000));
    const deliveries: number[] = [];
    const allReceived: number[] = [];
    let missing = 0;
    for (const [id, sent] of sentAt) {
      let last = 0;
      for (const c of clients) {
        const at = c.received.get(id);
        if (at === undefined) {
          missing++;
          continue;
        }
        deliveries.push(at - sent);
        last = Math.max(last, at - sent);
      }
      allReceived.push(last);
    }
    const ratio = (api.rps / hello.rps) * 100;
    const perConn = ((rssAfter - rssBefore) * 1024) / CLIENTS / 1024;
    return [
      {
        metric: 'hello-world req/s',
        value: hello.rps.toFixed(0),
        note: `p99 ${hello.p99} ms, 50 connections, ${SECONDS} s`,
      },
      { metric: 'GET /v1/signals?limit=50 req/s', value: api.rps.toFixed(0), note: `p99 ${api.p99} ms` },
      { metric: 'signals vs hello-world', value: `${ratio.toFixed(0)}%`, note: 'goal ≥ 50%' },
      {
        metric: `SSE XADD→receipt p50 (${CLIENTS} clients)`,
        value: ms(percentile(deliveries, 50)),
        note: `${ENTRIES} entries, ${deliveries.length} deliveries, ${missing} missing`,
      },
      { metric: 'SSE XADD→receipt p99', value: ms(percentile(deliveries, 99)), note: 'goal ≤ 250 ms' },
      {
        metric: 'SSE XADD→all clients p99',
        value: ms(percentile(allReceived, 99)),
        note: 'slowest client per entry',
      },
      {
        metric: 'RSS per idle SSE connection',
        value: `${perConn.toFixed(1)} KiB`,
        note: `server RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssAfter / 1024).toFixed(0)} MiB; goal ≤ 20 KiB`,
      },
    ];
  } finally {
    for (const c of clients) c.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await t.close();
  }
}
