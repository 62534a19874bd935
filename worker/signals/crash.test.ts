/**
 * Crash test of the `signals` role: child processes of the role work through 96 h of sim history in
 * small pages (many commit points) and are SIGKILLed again and again, a third of the time exactly
 * after a pass's transaction committed and before the relay ran, a third exactly after the relay's
 * XADDs and before Postgres marked the rows published (the window where a naive relay duplicates),
 * and a third at a random moment. Warm standbys (the role's advisory lock) take over at once.
 *
 * Afterwards: every signal and lifecycle change (and equity point) is in the stream exactly once and
 * in order — the streams equal those of one uninterrupted engine over the same candles — the cursor
 * and strategy state resumed (the same signals, nothing skipped or stepped twice), and Postgres agrees
 * with the stream. Only the children this test spawned are killed, by pid, and always reaped.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { SimMarketData } from '../../core/market/sim/sim-market.ts';
import { paramsForPair } from '../../core/signals/params.ts';
import { toSignal } from '../../core/signals/store.ts';
import { readEntries, streamKey } from '../../core/signals/streams.ts';
import type { Signal, StreamEntry } from '../../core/signals/types.ts';
import { type CliRun, spawnProcess } from '../../test/support/cli.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { SignalEngine } from './engine.ts';

const TF = 300_000;
const PAIRS = ['ETH/USDT', 'BTC/USDT'];
const HOURS = 96;
const PAGE = 12;
const KILLS = 18;
const STANDBYS = 2;
const CHILD = join(import.meta.dirname, 'testing', 'engine-process.ts');
const STATE_KEY = 'engine:bar_reaction_5m:sim';

type Plan = { kind: 'commit' | 'append'; n: number } | { kind: 'random'; ms: number } | { kind: 'none' };

/** Small seeded PRNG (mulberry32), so a failing schedule can be replayed with CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const withoutLate = ({ late: _late, ...s }: Signal) => s;
const comparable = (e: StreamEntry) =>
  e.type === 'equity' ? e : { type: e.type, data: withoutLate(e.data as Signal) };

interface Child {
  readonly run: CliRun;
  readonly plan: Plan;
  readonly working: Promise<Child>;
}

describe('signals role under SIGKILL', () => {
  let t: TestContext;
  let ref: TestContext;
  const children: Child[] = [];
  const seed = Number(process.env.CRASH_SEED ?? 20_261_202);
  const random = prng(seed);

  beforeAll(async () => {
    t = await createTestContext('signals-crash');
    ref = await createTestContext('signals-crash-ref');
  });
  afterAll(async () => {
    for (const c of children)
      if (c.run.child.exitCode === null && c.run.child.signalCode === null) c.run.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.run.exited));
    await t?.close();
    await ref?.close();
  });

  const env = () => ({
    ...t.env,
    LOG_LEVEL: 'error',
    EXCHANGE: 'sim',
    SIM_SPEED: '1',
    SIGNAL_PAIRS: PAIRS.join(','),
    SIGNAL_BACKFILL_HOURS: String(HOURS),
  });
  const spawn = (plan: Plan): Child => {
    const pause = plan.kind === 'commit' || plan.kind === 'append' ? `${plan.kind}:${plan.n}` : 'none:0';
    // `node --import tsx`, one process: the pid we kill is the process doing the work.
    const run = spawnProcess(
      process.execPath,
      ['--import', 'tsx', CHILD, '--page', String(PAGE), '--pause', pause],
      env(),
    );
    const child: Child = {
      run,
      plan,
      working: run.waitFor(/signals-working/, 120_000).then(() => child),
    };
    child.working.catch(() => undefined); // a standby we kill never works
    children.push(child);
    return child;
  };
  const alive = () =>
    children.filter((c) => c.run.child.exitCode === null && c.run.child.signalCode === null);
  const kill = async (c: Child) => {
    c.run.child.kill('SIGKILL');
    await c.run.exited;
  };

  /** What the dead engine left behind: rows committed but not relayed, and rows appended but not marked. */
  const leftovers = async () => {
    const epoch = await t.db.signalEngineState.findUnique({ where: { key: 'outbox-epoch' } });
    const counter = epoch
      ? Number(
          (await t.redis.get(t.keys.key('signals', 'outbox', (epoch.state as { epoch: string }).epoch))) ?? 0,
        )
      : 0;
    const pending = await t.db.signalOutbox.findMany({ where: { publishedAt: null }, select: { id: true } });
    return {
      notRelayed: pending.filter((r) => Number(r.id) > counter).length,
      appendedUnmarked: pending.filter((r) => Number(r.id) <= counter).length,
    };
  };

  it('every signal, lifecycle change and equity point is in the stream once, in order, after 18 SIGKILLs', async () => {
    const kinds = ['commit', 'append', 'random'] as const;
    const plans: Plan[] = Array.from({ length: KILLS + STANDBYS }, (_, i) => {
      const kind = kinds[i % 3]!;
      return kind === 'random'
        ? { kind, ms: Math.floor(random() * 250) }
        : { kind, n: 1 + Math.floor(random() * 3) };
    });
    let next = 0;
    const log: string[] = [];
    const windows = { commit: 0, append: 0 };
    let kills = 0;
    while (kills < KILLS) {
      while (alive().length < 1 + STANDBYS && next < plans.length) spawn(plans[next++]!);
      const active = await Promise.race(alive().map((c) => c.working));
      const { plan } = active;
      if (plan.kind === 'random') await sleep(plan.ms);
      else if (plan.kind === 'commit' || plan.kind === 'append') {
        // The pause is reached within a few passes unless the history ran out first (then: any moment).
        await Promise.race([active.run.waitFor(new RegExp(`paused ${plan.kind}`), 10_000), sleep(10_000)]);
      }
      const paused = /paused (commit|append)/.exec(active.run.output())?.[1];
      await kill(active);
      kills++;
      const left = await leftovers();
      if (paused === 'commit' && left.notRelayed > 0) windows.commit++;
      if (paused === 'append' && left.appendedUnmarked > 0) windows.append++;
      log.push(`${plan.kind}${paused ? ` (paused ${paused})` : ''}: ${JSON.stringify(left)}`);
    }
    // The standbys left carry kill plans; stop them and let one plain engine finish the history.
    await Promise.all(alive().map(kill));
    const last = spawn({ kind: 'none' });
    await last.working;
    for (;;) {
      const row = await t.db.signalEngineState.findUnique({ where: { key: STATE_KEY } });
      const pairs = (row?.state as { pairs?: Record<string, number[]> } | undefined)?.pairs ?? {};
      const lastClosed = Math.floor(Date.now() / TF) * TF - TF;
      const caughtUp = PAIRS.every((p) => (pairs[p]?.[3] ?? 0) >= lastClosed - TF);
      if (caughtUp && (await t.db.signalOutbox.count({ where: { publishedAt: null } })) === 0) break;
      await sleep(200);
    }
    last.run.child.kill('SIGTERM');
    expect((await last.run.exited).code, last.run.output()).toBe(0);

    const context = `seed ${seed}; kills:\n${log.join('\n')}`;
    expect(kills, context).toBeGreaterThanOrEqual(15);
    // The SIGKILLs did land in both dangerous windows, with work left there for the next engine.
    expect(windows.commit, context).toBeGreaterThanOrEqual(3);
    expect(windows.append, context).toBeGreaterThanOrEqual(3);

    // The candles the engines processed, per pair (sim history has no gaps).
    const state = (await t.db.signalEngineState.findUnique({ where: { key: STATE_KEY } }))!.state as {
      pairs: Record<string, number[]>;
    };
    const ranges = PAIRS.map((p) => {
      const [count, , , lastT] = state.pairs[p]!;
      return { first: lastT! - (count! - 1) * TF, lastT: lastT! };
    });
    expect(ranges[1], context).toEqual(ranges[0]);
    const { first, lastT } = ranges[0]!;
    expect((lastT - first) / TF + 1).toBeGreaterThanOrEqual((HOURS * 3_600_000) / TF);

    // One uninterrupted engine over exactly those candles, in its own database and prefix.
    const end = lastT + TF + 1_000;
    const reference = new SignalEngine({
      db: ref.db,
      redis: ref.redis,
      keys: ref.keys,
      logger: createLogger({ level: 'warn' }),
      market: new SimMarketData({ seed: 42, clock: () => end }),
      clock: () => end,
      pairs: PAIRS,
      params: PAIRS.map((p) => paramsForPair({}, p, { priceDecimals: 2 })),
      modes: ['paper'],
      backfillMs: end - first,
      streamMaxLen: 100_000,
    });
    while ((await reference.pass()).more) {}

    for (const stream of ['signals:paper', 'pnl:equity'] as const) {
      const got = await readEntries(t.redis, streamKey(t.keys, stream), '-', 1_000_000);
      const want = await readEntries(ref.redis, streamKey(ref.keys, stream), '-', 1_000_000);
      // Exactly once, by (type, id), stated on its own for a readable failure.
      if (stream === 'signals:paper') {
        const ids = got.map((e) => `${e.entry.type}:${(e.entry.data as Signal).id}`);
        expect(ids.length - new Set(ids).size, context).toBe(0);
        expect(got.filter((e) => e.entry.type === 'lifecycle').length).toBeGreaterThan(10);
      }
      expect(
        got.map((e) => comparable(e.entry)),
        `${stream}; ${context}`,
      ).toEqual(want.map((e) => comparable(e.entry)));
      expect(await t.db.signalOutbox.count({ where: { stream } })).toBe(got.length);
    }

    // Postgres agrees with the stream: each stored signal is its last entry there, late mark included.
    const entries = await readEntries(t.redis, streamKey(t.keys, 'signals:paper'), '-', 1_000_000);
    const latest = new Map<string, Signal>();
    for (const { entry } of entries) if (entry.type !== 'equity') latest.set(entry.data.id, entry.data);
    const rows = await t.db.signal.findMany({ orderBy: [{ time: 'asc' }, { id: 'asc' }] });
    const byTimeId = (a: Signal, b: Signal) => a.time.localeCompare(b.time) || (a.id < b.id ? -1 : 1);
    expect(rows.map(toSignal)).toEqual([...latest.values()].sort(byTimeId));
    const equity = await readEntries(t.redis, streamKey(t.keys, 'pnl:equity'), '-', 1_000_000);
    expect(await t.db.equityPoint.count()).toBe(equity.length);
  }, 180_000);
});
