/**
 * SIGKILL of broadcaster processes in the middle of their batches, ten times, while signals keep
 * coming: two broadcaster child processes work side by side, the older is killed whenever it has
 * delivered more since the last kill, and a fresh one replaces it. Afterwards every (signal,
 * subscription) was delivered exactly once or dead-lettered with a reason (Telegram has no
 * idempotency key: a card killed in flight is dead-lettered as "outcome unknown", never resent),
 * nothing arrived twice, each chat in order, and every stream entry was acknowledged.
 *
 * The fake Bot API enforces Telegram's limits with shorter windows (1 message per 300 ms in a chat,
 * 20 per 6 s in a group, 30 per 300 ms in all) and the children's outbox applies the same, so the
 * test is quicker and still proves the limits are kept (the fake answers 429 otherwise). Only the
 * children this test spawned are killed, by pid, and all are reaped.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../core/broadcast/dlq.ts';
import { type CliRun, spawnProcess } from '../../test/support/cli.ts';
import { appendMixed } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, exactlyOnceProblems, subscribeToEverything } from './testing/verify.ts';

const FAST = {
  perChat: { max: 1, ms: 300 },
  perGroup: { max: 20, ms: 6_000 },
  global: { max: 30, ms: 300 },
};
const KILLS = 10;
const CHILD = join(import.meta.dirname, 'testing', 'broadcaster-process.ts');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('broadcaster processes under SIGKILL', () => {
  let stage: BroadcastStage;
  const children: CliRun[] = [];
  beforeAll(async () => {
    stage = await startStage('bccrash', {
      telegramLimits: FAST,
      env: {
        TEST_TELEGRAM_LIMITS: JSON.stringify(FAST),
        BROADCAST_CLAIM_IDLE_MS: '1000',
        BROADCAST_LOCK_MS: '1000',
        LOG_LEVEL: 'silent',
      },
    });
  });
  afterAll(async () => {
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await stage?.close();
  });

  const spawn = () => {
    const run = spawnProcess(process.execPath, ['--import', 'tsx', CHILD], stage.env);
    children.push(run);
    return run;
  };
  const alive = () => children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
  const delivered = () => stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } });

  it('delivers each (signal, chat) once or dead-letters it, in order, across 10 SIGKILLs', async () => {
    const guild = stage.discord.addGuild('Crashy', ['one', 'two', 'three']);
    const subs = await subscribeToEverything(stage, {
      telegram: [
        ['9101', 'dm'],
        ['9102', 'dm'],
        ['-1009103', 'group'],
        ['-1009104', 'channel'],
      ],
      discord: Object.values(guild.channels),
    });

    const appended: Appended[] = [];
    const publish = (from: number, n: number) =>
      appendMixed(stage.ctx.redis, stage.ctx.keys, appended, from, n);

    const ready = new Set<CliRun>();
    const start = () => {
      const run = spawn();
      run
        .waitFor(/broadcaster-ready/, 120_000)
        .then(() => ready.add(run))
        .catch(() => undefined);
      return run;
    };
    const first = [start(), start()];
    // The consumer group starts at the stream's end when first created: publish once it exists.
    await Promise.all(first.map((c) => c.waitFor(/broadcaster-ready/, 120_000)));
    await publish(0, 24);
    const log: string[] = [];
    let last = 0;
    for (let k = 0; k < KILLS; k++) {
      // In the middle of a batch: once more was delivered since the last kill, the oldest working
      // process dies; its replacement starts meanwhile (the survivor claims what it left).
      const deadline = Date.now() + 15_000;
      while (((await delivered()) < last + 4 || !alive().some((c) => ready.has(c))) && Date.now() < deadline)
        await sleep(50);
      // No process finished starting within the wait: kill one that is still starting.
      const victim = alive().find((c) => ready.has(c)) ?? alive()[0]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      last = await delivered();
      const open = await stage.ctx.db.signalDelivery.count({
        where: { status: { in: ['PENDING', 'FAILED'] } },
      });
      log.push(`kill ${k + 1}: ${last} delivered, ${open} open`);
      start();
      if (k === 5) await publish(24, 6);
    }

    // Let the survivors finish: every row settled and every entry acknowledged.
    const settledBy = Date.now() + 60_000;
    for (;;) {
      const open = await stage.ctx.db.signalDelivery.count({
        where: { status: { in: ['PENDING', 'FAILED'] } },
      });
      const pending = await Promise.all(
        (['signals:paper'] as const).map(async (s) => {
          const summary = (await stage.ctx.redis.xpending(stage.ctx.keys.stream(s), 'broadcaster')) as [
            number,
          ];
          return Number(summary[0]);
        }),
      );
      // …and the group has read up to the stream's last entry (nothing unread either).
      const stream = stage.ctx.keys.stream('signals:paper');
      const [lastEntry] = await stage.ctx.redis.xrevrange(stream, '+', '-', 'COUNT', 1);
      const groups = (await stage.ctx.redis.xinfo('GROUPS', stream)) as unknown[][];
      const info = groups.map((g) =>
        Object.fromEntries(g.map((v, i, a) => (i % 2 ? [] : [v, a[i + 1]])).filter((x) => x.length)),
      );
      const readAll = info.some((g) => g.name === 'broadcaster' && g['last-delivered-id'] === lastEntry?.[0]);
      if (open === 0 && readAll && pending.every((p) => p === 0)) break;
      if (Date.now() > settledBy)
        throw new Error(`not settled: ${open} rows open, ${pending} pending\n${log.join('\n')}`);
      await sleep(200);
    }
    await Promise.all(
      alive().map(async (c) => {
        c.child.kill('SIGTERM');
        await c.exited;
      }),
    );

    const letters = await listDeadLetters(stage.ctx.redis, stage.ctx.keys, 10_000);
    const problems = await exactlyOnceProblems(stage, subs, appended, letters);
    expect(problems, log.join('\n')).toEqual([]);
    // The kills landed while work was outstanding, and most messages still got through.
    expect(log.filter((l) => !/ 0 open$/.test(l)).length, log.join('\n')).toBeGreaterThanOrEqual(KILLS / 2);
    const total = await stage.ctx.db.signalDelivery.count();
    expect(await delivered()).toBeGreaterThan(total * 0.8);
    // Within the limits: the fakes refused nothing the test did not force.
    expect(stage.telegram.state.attempts.filter((a) => !a.accepted)).toEqual([]);
    expect(stage.discord.state.limited).toEqual([]);
  }, 180_000);
});
