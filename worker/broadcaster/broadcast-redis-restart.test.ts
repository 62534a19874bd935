/**
 * A Redis restart in the middle of broadcasting: the test runs its own redis-server (append-only
 * file, fsync always, on a free port), the broadcaster works through a batch, Redis is SIGKILLed and
 * started again on the same port and data, more signals follow. Afterwards every (signal, chat) was
 * delivered exactly once or dead-lettered with a reason, in order, and nothing is left unread or
 * unacknowledged. Only the redis-server this test started is killed, by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../core/broadcast/dlq.ts';
import { appendSignal, closed, makeSignal } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, exactlyOnceProblems, subscribeToEverything } from './testing/verify.ts';

const FAST = {
  perChat: { max: 1, ms: 200 },
  perGroup: { max: 20, ms: 4_000 },
  global: { max: 30, ms: 200 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('broadcaster across a Redis restart', () => {
  let stage: BroadcastStage;
  let dir: string;
  let port: number;
  let redis: ChildProcess | undefined;
  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(true));
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (up) return;
      await sleep(50);
    }
    throw new Error('redis-server did not start');
  };
  const killRedis = async () => {
    const r = redis!;
    if (r.exitCode !== null || r.signalCode !== null) return;
    const gone = new Promise((resolve) => r.once('exit', resolve));
    r.kill('SIGKILL');
    await gone;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-redis-restart-'));
    port = await freePort();
    await startRedis();
    stage = await startStage('bcredis', {
      telegramLimits: FAST,
      env: {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        BROADCAST_CLAIM_IDLE_MS: '1000',
        BROADCAST_LOCK_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await stage?.close();
    if (redis) await killRedis();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers each (signal, chat) once or dead-letters it, in order, when Redis restarts mid-batch', async () => {
    const guild = stage.discord.addGuild('Restart', ['one', 'two']);
    const subs = await subscribeToEverything(stage, {
      telegram: [
        ['9201', 'dm'],
        ['9202', 'dm'],
      ],
      discord: Object.values(guild.channels),
    });
    await stage.start({ telegramLimits: FAST });
    const appended: Appended[] = [];
    const publish = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const s = makeSignal(i, 'BTC/USDT');
        await appendSignal(stage.ctx.redis, stage.ctx.keys, 'signal', s);
        appended.push({ type: 'signal', signal: s });
        if (i % 2 === 0) {
          const c = closed(s, 'target');
          await appendSignal(stage.ctx.redis, stage.ctx.keys, 'lifecycle', c);
          appended.push({ type: 'lifecycle', signal: c });
        }
      }
    };
    const delivered = () => stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } });
    await publish(0, 10);
    while ((await delivered()) < 8) await sleep(50);
    await killRedis();
    await sleep(1_000);
    await startRedis();
    await publish(10, 6);

    const stream = stage.ctx.keys.stream('signals:paper');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await stage.ctx.db.signalDelivery.count({
        where: { status: { in: ['PENDING', 'FAILED'] } },
      });
      const [pending] = (await stage.ctx.redis.xpending(stream, 'broadcaster')) as [number];
      const [last] = await stage.ctx.redis.xrevrange(stream, '+', '-', 'COUNT', 1);
      const groups = (await stage.ctx.redis.xinfo('GROUPS', stream)) as unknown[][];
      const readAll = groups.some((g) => g[g.indexOf('last-delivered-id') + 1] === last?.[0]);
      if (open === 0 && Number(pending) === 0 && readAll) break;
      if (Date.now() > deadline) throw new Error(`not settled: ${open} rows open, ${pending} pending`);
      await sleep(200);
    }
    const letters = await listDeadLetters(stage.ctx.redis, stage.ctx.keys, 10_000);
    expect(await exactlyOnceProblems(stage, subs, appended, letters)).toEqual([]);
    expect(await delivered()).toBeGreaterThan(0.8 * (await stage.ctx.db.signalDelivery.count()));
    expect(stage.telegram.state.attempts.filter((a) => !a.accepted)).toEqual([]);
  }, 120_000);
});
