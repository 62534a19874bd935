/**
 * Telegram's limits shared between processes through Redis (redis-budget.ts). Two Outboxes stand for
 * two processes sending as one bot (each has its own, as `cryptopulse start` in two processes does),
 * each with its own Redis connection; the fake Bot API enforces the limits on its own and answers 429 to
 * anything beyond them. With the shared budget it never has to; the control (an outbox each, nothing
 * shared: how two bots processes paced before) shows the same sends exceed the chat's limit.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type Redis, RedisKeys } from '../../core/redis.ts';
import { startOwnRedis } from '../../core/trading/testing/own-redis.ts';
import { FakeBotApi } from '../../test/fakes/telegram/server.ts';
import { TEST_REDIS_URL } from '../../test/support/env.ts';
import { Outbox, OutboxClosedError, type TelegramRateLimits } from './outbox.ts';
import { redisTelegramBudget } from './redis-budget.ts';

const TOKEN = '123456:shared-budget-token';
// Telegram's shape on short windows, so the test is quick.
const limits: TelegramRateLimits = {
  perChat: { max: 1, ms: 150 },
  perGroup: { max: 3, ms: 1_000 },
  global: { max: 100, ms: 1_000 },
};

describe('Telegram budget shared by processes through Redis', () => {
  let fake: FakeBotApi;
  let apiRoot: string;
  const connections: Redis[] = [];
  const keys = new RedisKeys(`t_tgbudget_${randomBytes(4).toString('hex')}`);
  beforeAll(async () => {
    fake = new FakeBotApi({ token: TOKEN, limits });
    apiRoot = await fake.start();
  });
  afterAll(async () => {
    await fake?.stop();
    for (const r of connections) r.disconnect();
  });

  /** One process: its own Redis connection and its own Outbox, on the budget of the one bot. */
  const process = (
    extra: { onUnavailable?: (err: unknown) => void; redis?: Redis; aloneMs?: number } = {},
  ) => {
    const redis = extra.redis ?? createRedis({ url: TEST_REDIS_URL, name: 'tg-budget-test' });
    connections.push(redis);
    const shared = redisTelegramBudget(
      { redis, keys },
      { token: TOKEN, apiRoot },
      {
        limits,
        askTimeoutMs: 200,
        ...(extra.onUnavailable ? { onUnavailable: extra.onUnavailable } : {}),
        ...(extra.aloneMs === undefined ? {} : { aloneMs: extra.aloneMs }),
      },
    );
    return new Outbox({ limits, shared });
  };

  const send = (outbox: Outbox, chatId: string, text: string) =>
    outbox.enqueue(chatId, async () => {
      const res = await fetch(`${apiRoot}/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, text }),
      });
      return (await res.json()) as { ok: boolean; error_code?: number };
    });

  const burst = async (outboxes: readonly Outbox[], chatId: string, each: number) => {
    const answers = await Promise.all(
      outboxes.flatMap((o, k) => Array.from({ length: each }, (_, i) => send(o, chatId, `${k}:${i}`))),
    );
    await Promise.all(outboxes.map((o) => o.close(1_000)));
    return answers;
  };
  const refused = (chatId: string) => fake.state.attempts.filter((a) => a.chatId === chatId && !a.accepted);

  it("two processes' messages to one chat together stay within its limit", async () => {
    const answers = await burst([process(), process()], '7001', 5);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(fake.messagesIn('7001')).toHaveLength(10);
    expect(refused('7001')).toEqual([]);
  });

  it("and within a group's limit per minute, with the chat's limit at once", async () => {
    const answers = await burst([process(), process()], '-1007002', 4);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(fake.messagesIn('-1007002')).toHaveLength(8);
    expect(refused('-1007002')).toEqual([]);
  });

  it('control: an outbox each with nothing shared exceeds the chat limit', async () => {
    await burst([new Outbox({ limits }), new Outbox({ limits })], '7003', 5);
    expect(refused('7003').length).toBeGreaterThan(0);
  });

  it('a process that cannot reach Redis paces its own sends and says so once', async () => {
    // Nothing listens there: the connection queues the ask, which goes unanswered past askTimeoutMs.
    const unreachable = createRedis({ url: 'redis://127.0.0.1:1', name: 'tg-budget-down' });
    unreachable.on('error', () => undefined);
    const warnings: unknown[] = [];
    const answers = await burst(
      [process({ redis: unreachable, onUnavailable: (e) => warnings.push(e) })],
      '7004',
      3,
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(fake.messagesIn('7004')).toHaveLength(3);
    expect(refused('7004')).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('Redis frozen: one call waits out the ask, the next ones pace alone without asking again', async () => {
    const own = await startOwnRedis();
    const frozen = createRedis({ url: own.url, name: 'tg-budget-frozen' });
    try {
      await frozen.ping();
      // Accepts and never answers: the connection queues every ask, as through an outage.
      own.freeze();
      const warnings: unknown[] = [];
      const answers = await burst(
        // Longer than any machine takes for these sends, so a second ask can only come from the bug.
        [process({ redis: frozen, onUnavailable: (e) => warnings.push(e), aloneMs: 60_000 })],
        '7006',
        5,
      );
      expect(answers.every((a) => a.ok)).toBe(true);
      expect(fake.messagesIn('7006')).toHaveLength(5);
      expect(refused('7006')).toEqual([]);
      expect(warnings).toHaveLength(1);
      own.thaw();
      // Answered after every command this connection queued in the freeze: the asks that were made.
      await frozen.ping();
      const stats = await frozen.info('commandstats');
      const asks = [...stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce(
        (a, m) => a + Number(m[1]),
        0,
      );
      expect(asks).toBe(1);
    } finally {
      own.thaw();
      await own.close();
    }
  });

  it('a call still waiting for room when the outbox stops is rejected as not sent', async () => {
    // A Bot API that answers slowly: b's call holds the chat's shared window while it is in flight.
    const slow = new FakeBotApi({ token: TOKEN, limits, latencyMs: () => 600 });
    const slowRoot = await slow.start();
    try {
      const on = (outbox: Outbox, text: string) =>
        outbox.enqueue('7005', async () => {
          const res = await fetch(`${slowRoot}/bot${TOKEN}/sendMessage`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ chat_id: '7005', text }),
          });
          return (await res.json()) as { ok: boolean };
        });
      const [a, b] = [process(), process()];
      const held = on(b, 'first');
      await new Promise((r) => setTimeout(r, 150));
      const waiting = on(a, 'second');
      await a.close(0);
      await expect(waiting).rejects.toBeInstanceOf(OutboxClosedError);
      await expect(held).resolves.toMatchObject({ ok: true });
      await b.close(1_000);
      expect(slow.messagesIn('7005').map((m) => m.text)).toEqual(['first']);
      // a never called Telegram: it was waiting for the window b held.
      expect(slow.state.attempts.filter((x) => x.chatId === '7005')).toHaveLength(1);
    } finally {
      await slow.stop();
    }
  });
});
