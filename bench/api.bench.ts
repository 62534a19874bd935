/**
 * Signals API (issue 14), each server in a child process of its own, one load generator (autocannon) in
 * this one:
 *  (a) GET /v1/signals?limit=50 against a bare Fastify hello-world in the same run, same autocannon
 *      settings: req/s, p99 and each server's CPU time per request (goal: the API at least 50% of
 *      hello-world). The API runs as in production (bench/api-server.ts): every plugin, LOG_LEVEL=info,
 *      the Redis rate limit counting every request, with a limit too high to be reached. Twice: with no
 *      Accept-Encoding (identity, what autocannon and curl send) and with the one real clients send
 *      (`gzip, deflate, br`: browsers, fetch, axios, Python requests), hello-world and the replay of
 *      each response alike;
 *  (b) SSE fan-out: 2,000 clients on /v1/signals/stream, time from XADD to receipt, p50/p99 over every
 *      delivery and the time until all 2,000 have an entry (goal p99 ≤ 250 ms);
 *  (c) resident memory of the server process per idle SSE connection (goal ≤ 20 KiB).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal, seedSignals } from '../core/signals/testing/fixtures.ts';
import { createTestContext } from '../test/support/context.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import { cpuPerOperation, cpuSnapshot } from './cpu.ts';
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

const WARM_UP_SECONDS = Math.min(SECONDS, 3);
const RATE_LIMIT = 1_000_000_000;

/** The request headers of the two passes: none (identity), and what real HTTP clients send. */
const PASSES = [
  { name: 'identity', headers: {} as Record<string, string> },
  { name: 'compressed', headers: { 'accept-encoding': 'gzip, deflate, br' } },
] as const;
type Pass = (typeof PASSES)[number];

const describeHeaders = (pass: Pass) =>
  Object.entries(pass.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ') || 'no accept-encoding';

/** The same autocannon settings for every server. */
async function load(url: string, headers: Record<string, string>, seconds = SECONDS) {
  const result = await autocannon({ url, headers, connections: 50, pipelining: 1, duration: seconds });
  if (result.non2xx || result.errors) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total };
}

/** A load run with the server process' CPU time per request (from /proc; shared-machine proof). */
async function measured(pid: number, url: string, headers: Record<string, string>) {
  const before = cpuSnapshot({ server: pid });
  const run = await load(url, headers);
  const perRequest = cpuPerOperation(before, cpuSnapshot({ server: pid }), run.requests)?.get('server');
  const cpu = perRequest === undefined ? 'n/a' : `${(perRequest * 1000).toFixed(0)} µs`;
  return { ...run, cpu };
}

interface Recorded {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One response as it came over the wire: its bytes undecoded (fetch would decompress them). */
function record(url: string, headers: Record<string, string>): Promise<Recorded> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests the rate limit counted between two answers of one window (undefined if it rolled over). */
function countedBetween(before: Recorded, after: Recorded): number | undefined {
  const left = (r: Recorded) => Number(r.headers['x-ratelimit-remaining']);
  const n = left(before) - left(after) - 1;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
}

/** bench/api-server.ts in a child process; BENCH_CPU_PROF=<dir> has the API one write a CPU profile. */
async function startServer(args: readonly string[], env: Record<string, string>): Promise<ServerProcess> {
  const profile =
    process.env.BENCH_CPU_PROF && !args.includes('hello')
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(ROOT, 'bench/api-server.ts'), ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve(m.ready) : reject(new Error('?'))));
    child.once('exit', (code) => reject(new Error(`bench server ${args.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
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
  const servers: ServerProcess[] = [];
  const clients: SseClient[] = [];
  try {
    const hello = await startServer(['hello'], {});
    servers.push(hello);
    const server = await startServer([], {
      ...t.env,
      // As in production: the default level, JSON lines on stdout (here /dev/null).
      LOG_LEVEL: 'info',
      // Counted in Redis on every request as always (same code path); only set too high to be reached.
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      SSE_MAX_CONNECTIONS_PER_IP: String(CLIENTS + 10),
    });
    servers.push(server);
    const apiUrl = `http://127.0.0.1:${server.port}/v1/signals?limit=50`;
    const helloUrl = `http://127.0.0.1:${hello.port}/`;
    // Per pass: warm-up of both (JIT, pools, the page cache and its compressed page), then the two
    // measured runs back to back, then the API's response recorded as it came over the wire.
    const loadBefore = loadavg()[0]!;
    const rest = [];
    for (const pass of PASSES) {
      await load(apiUrl, pass.headers, WARM_UP_SECONDS);
      await load(helloUrl, pass.headers, WARM_UP_SECONDS);
      const helloRun = await measured(hello.child.pid!, helloUrl, pass.headers);
      const before = await record(apiUrl, pass.headers);
      const api = await measured(server.child.pid!, apiUrl, pass.headers);
      const sample = await record(apiUrl, pass.headers);
      rest.push({ pass, helloRun, api, sample, counted: countedBetween(before, sample) });
    }
    const loadAfter = loadavg()[0]!;
    // The same bytes and headers from a bare route, one path per pass: the part of the gap that is the
    // response itself.
    const replays = Object.fromEntries(
      rest.map(({ pass, sample }) => [
        `/${pass.name}`,
        {
          body: sample.body.toString('base64'),
          headers: Object.fromEntries(
            Object.entries(sample.headers).filter(
              ([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name),
            ),
          ),
        },
      ]),
    );
    const replay = await startServer(['replay'], { BENCH_REPLAY: JSON.stringify(replays) });
    servers.push(replay);
    const replayRuns: Awaited<ReturnType<typeof measured>>[] = [];
    for (const { pass } of rest) {
      const replayUrl = `http://127.0.0.1:${replay.port}/${pass.name}`;
      await load(replayUrl, pass.headers, WARM_UP_SECONDS);
      replayRuns.push(await measured(replay.child.pid!, replayUrl, pass.headers));
    }
    const loadAfterReplay = loadavg()[0]!;
    await stopServer(replay);

    await new Promise((r) => setTimeout(r, 1_000));
    const rssBefore = rssKiB(server.child.pid!);
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, () => sseClient(server.port));
      clients.push(...batch);
      await Promise.all(batch.map((c) => c.ready));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfter = rssKiB(server.child.pid!);

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
    const perConn = ((rssAfter - rssBefore) * 1024) / CLIENTS / 1024;
    const restRows: BenchRow[] = rest.flatMap(({ pass, helloRun, api, sample, counted }, i) => {
      const replayRun = replayRuns[i]!;
      const coding = sample.headers['content-encoding'] ?? 'identity';
      const of = (rps: number) => `${((rps / helloRun.rps) * 100).toFixed(0)}%`;
      return [
        {
          metric: `${pass.name}: request headers`,
          value: pass.name,
          note: `${describeHeaders(pass)} to hello-world, the signals route and the replay alike; the signals route answered ${coding}, ${sample.body.length} bytes, ${Object.keys(sample.headers).length} headers`,
        },
        {
          metric: `${pass.name}: hello-world req/s`,
          value: helloRun.rps.toFixed(0),
          note: `p99 ${helloRun.p99} ms, 50 connections, ${SECONDS} s; server CPU ${helloRun.cpu}/request`,
        },
        {
          metric: `${pass.name}: GET /v1/signals?limit=50 req/s`,
          value: api.rps.toFixed(0),
          note: `p99 ${api.p99} ms; server CPU ${api.cpu}/request; the rate limit counted ${counted ?? '? (its window rolled over)'} requests in the run (${api.requests} answered, up to 50 more in flight at its end)`,
        },
        {
          metric: `${pass.name}: same response, bare route req/s`,
          value: replayRun.rps.toFixed(0),
          note: `p99 ${replayRun.p99} ms; server CPU ${replayRun.cpu}/request; ${of(replayRun.rps)} of hello-world, the ceiling for any server sending this response`,
        },
        {
          metric: `${pass.name}: signals vs hello-world`,
          value: of(api.rps),
          note: 'goal ≥ 50%',
        },
      ];
    });
    return [
      ...restRows,
      {
        metric: 'load average (1 min)',
        value: loadBefore.toFixed(1),
        note: `before the REST runs; ${loadAfter.toFixed(1)} after hello-world and signals, ${loadAfterReplay.toFixed(1)} after the replays`,
      },
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
    for (const server of servers) await stopServer(server);
    await t.close();
  }
}
