/**
 * Signals API (issue 14), each server in a child process of its own, one load generator (autocannon) in
 * this one:
 *  (a) GET /v1/signals?limit=50 against a bare Fastify hello-world in the same run, same autocannon
 *      settings: req/s, p99 and each server's CPU time per request (goal: the API at least 50% of
 *      hello-world). The API runs as in production (bench/api-server.ts): every plugin, LOG_LEVEL=info,
 *      the Redis rate limit counting every request, with a limit too high to be reached. Twice: with no
 *      Accept-Encoding (identity, what autocannon and curl send) and with the one real clients send
 *      (`gzip, deflate, br`: browsers, fetch, axios, Python requests), hello-world and the replay of
 *      each response alike. The three servers are measured in turn, BENCH_ROUNDS times (3) for
 *      BENCH_SECONDS each (5), and each ratio is the median of the rounds' ratios: runs seconds apart
 *      see the same machine. The rows also give the load generator's own CPU per request and the rate
 *      limit's Redis script calls;
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
import type { Redis } from '../core/redis.ts';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal, seedSignals } from '../core/signals/testing/fixtures.ts';
import { createTestContext } from '../test/support/context.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import { cpuPerOperation, cpuSnapshot } from './cpu.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Signals API: REST throughput vs hello-world, SSE fan-out, memory per stream';

const ROOT = join(import.meta.dirname, '..');
/** Each server is measured ROUNDS times for SECONDS, the three servers in turn (see run()). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

const micros = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms * 1000).toFixed(0)} µs`);

interface Run {
  readonly rps: number;
  readonly p99: number;
  readonly requests: number;
  /** CPU ms per request of the server process and of this one, the load generator. */
  readonly serverMs: number | undefined;
  readonly generatorMs: number | undefined;
  /** redis-server's CPU ms per request (the API's rate limit; hello-world and the replay use none). */
  readonly redisMs: number | undefined;
}

/**
 * A load run with the CPU time per request of the server process and of this one, the load generator
 * (from /proc; shared-machine proof). Both share two cores: when the generator's time per request grows
 * with the response (autocannon parses in JS and decodes every body to a string), req/s is its limit.
 */
async function measured(pid: number, url: string, headers: Record<string, string>): Promise<Run> {
  const pids = { server: pid, generator: process.pid };
  const before = cpuSnapshot(pids);
  const run = await load(url, headers);
  const perRequest = cpuPerOperation(before, cpuSnapshot(pids), run.requests);
  return {
    ...run,
    serverMs: perRequest?.get('server'),
    generatorMs: perRequest?.get('generator'),
    redisMs: perRequest?.get('redis'),
  };
}

const median = (xs: readonly number[]) => percentile(xs, 50);
const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0);

/** One server's rounds: median req/s and p99, CPU per request over every request of every round. */
function combined(runs: readonly Run[]) {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const perRequest = (of: (r: Run) => number | undefined) =>
    runs.every((r) => of(r) !== undefined)
      ? runs.reduce((a, r) => a + of(r)! * r.requests, 0) / requests
      : undefined;
  const rps = runs.map((r) => r.rps);
  const serverMs = perRequest((r) => r.serverMs);
  return {
    rps: median(rps),
    range: `${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)}`,
    p99: median(runs.map((r) => r.p99)),
    requests,
    serverMs,
    cpu: `server CPU ${micros(serverMs)}/request, load generator ${micros(perRequest((r) => r.generatorMs))}`,
    redis: micros(perRequest((r) => r.redisMs)),
  };
}

/** Per round, a server's req/s as a share of hello-world's in the same round: median and range. */
function shareOfHello(hello: readonly Run[], other: readonly Run[]): { median: string; range: string } {
  const shares = other.map((r, i) => (r.rps / hello[i]!.rps) * 100);
  const pct = (x: number) => `${x.toFixed(0)}%`;
  return { median: pct(median(shares)), range: `${pct(Math.min(...shares))}–${pct(Math.max(...shares))}` };
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

/** Lua script calls Redis has served so far (the rate limit's counter is one; nothing else runs scripts here). */
async function scriptCalls(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  return [...stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
}

/** Hello-world's server CPU per request as a share of another server's. */
function cpuShare(hello: { serverMs?: number }, other: { serverMs?: number }): string {
  return hello.serverMs && other.serverMs
    ? `${((hello.serverMs / other.serverMs) * 100).toFixed(0)}%`
    : 'n/a';
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
    // Per pass: warm-up of both (JIT, pools, the page cache and its compressed page) and the API's
    // response recorded as it comes over the wire, for the replay server.
    const loadBefore = loadavg()[0]!;
    const samples: Recorded[] = [];
    for (const pass of PASSES) {
      await load(apiUrl, pass.headers, WARM_UP_SECONDS);
      await load(helloUrl, pass.headers, WARM_UP_SECONDS);
      samples.push(await record(apiUrl, pass.headers));
    }
    // The same bytes and headers from a bare route, one path per pass: the part of the gap that is the
    // response itself.
    const replays = Object.fromEntries(
      PASSES.map((pass, i) => [
        `/${pass.name}`,
        {
          body: samples[i]!.body.toString('base64'),
          headers: Object.fromEntries(
            Object.entries(samples[i]!.headers).filter(
              ([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name),
            ),
          ),
        },
      ]),
    );
    const replay = await startServer(['replay'], { BENCH_REPLAY: JSON.stringify(replays) });
    servers.push(replay);
    const replayUrl = (pass: Pass) => `http://127.0.0.1:${replay.port}/${pass.name}`;
    // Then the three servers in turn, ROUNDS times: each ratio compares runs a few seconds apart, so
    // the machine's drift (other processes, CPU frequency) moves both sides alike.
    const rest = [];
    for (const pass of PASSES) {
      await load(replayUrl(pass), pass.headers, WARM_UP_SECONDS);
      const runs = { hello: [] as Run[], api: [] as Run[], replay: [] as Run[] };
      const scriptCallsBefore = await scriptCalls(t.redis);
      // What the rate limit counted in each API run (a run whose minute rolled over is left out).
      const counted: { counted: number; answered: number }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        runs.hello.push(await measured(hello.child.pid!, helloUrl, pass.headers));
        const before = await record(apiUrl, pass.headers);
        const apiRun = await measured(server.child.pid!, apiUrl, pass.headers);
        runs.api.push(apiRun);
        const n = countedBetween(before, await record(apiUrl, pass.headers));
        if (n !== undefined) counted.push({ counted: n, answered: apiRun.requests });
        runs.replay.push(await measured(replay.child.pid!, replayUrl(pass), pass.headers));
      }
      const calls = (await scriptCalls(t.redis)) - scriptCallsBefore;
      const sample = samples[PASSES.indexOf(pass)]!;
      rest.push({ pass, runs, sample, counted, calls });
    }
    const loadAfter = loadavg()[0]!;
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
    const restRows: BenchRow[] = rest.flatMap(({ pass, runs, sample, counted, calls }) => {
      const coding = sample.headers['content-encoding'] ?? 'identity';
      const [hello, api, replayed] = [combined(runs.hello), combined(runs.api), combined(runs.replay)];
      const apiShare = shareOfHello(runs.hello, runs.api);
      const replayShare = shareOfHello(runs.hello, runs.replay);
      const each = (range: string) => `median of ${ROUNDS} runs of ${SECONDS} s (${range})`;
      return [
        {
          metric: `${pass.name}: request headers`,
          value: pass.name,
          note: `${describeHeaders(pass)} to hello-world, the signals route and the replay alike; the signals route answered ${coding}, ${sample.body.length} bytes, ${Object.keys(sample.headers).length} headers`,
        },
        {
          metric: `${pass.name}: hello-world req/s`,
          value: hello.rps.toFixed(0),
          note: `${each(hello.range)}, 50 connections; p99 ${hello.p99} ms; ${hello.cpu}`,
        },
        {
          metric: `${pass.name}: GET /v1/signals?limit=50 req/s`,
          value: api.rps.toFixed(0),
          note: `${api.range}; p99 ${api.p99} ms; ${api.cpu}; in ${counted.length} of the ${ROUNDS} runs (a run that crossed a minute is left out) the rate limit counted ${sum(counted.map((c) => c.counted))} requests, ${sum(counted.map((c) => c.answered))} answered (up to 50 more in flight at a run's end); ${(api.requests / calls).toFixed(1)} requests per Redis script call, redis-server CPU ${api.redis}/request`,
        },
        {
          metric: `${pass.name}: same response, bare route req/s`,
          value: replayed.rps.toFixed(0),
          note: `${replayed.range}; p99 ${replayed.p99} ms; ${replayed.cpu}; ${replayShare.median} of hello-world (${replayShare.range}), the ceiling for any server sending this response`,
        },
        {
          metric: `${pass.name}: signals vs hello-world`,
          value: apiShare.median,
          note: `goal ≥ 50%; median of the ${ROUNDS} rounds' ratios (${apiShare.range}); by server CPU per request (hello-world's ÷ the route's, as if the load generator cost nothing) ${cpuShare(hello, api)}, the replay ${cpuShare(hello, replayed)}`,
        },
      ];
    });
    return [
      ...restRows,
      {
        metric: 'load average (1 min)',
        value: loadBefore.toFixed(1),
        note: `before the REST runs; ${loadAfter.toFixed(1)} after them`,
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
