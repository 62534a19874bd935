/**
 * Delivery through the real grammY client to a local Bot API that enforces Telegram's limits and answers
 * 429 with retry_after (test/fakes/telegram). The fake logs every attempt with its arrival time; the
 * checks run on that log, so they see what Telegram would see.
 */
import { Api } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { text } from '../../core/agent/reply.ts';
import { type FakeLimits, TELEGRAM_LIMITS, violations } from '../../test/fakes/telegram/limits.ts';
import { FakeBotApi } from '../../test/fakes/telegram/server.ts';
import { Outbox, type TelegramRateLimits } from './outbox.ts';
import { createTelegramSender, pacedBy } from './send.ts';

const TOKEN = '123:fake';
const jitter = () => Math.random() * 30;

let fake: FakeBotApi | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function setUp(fakeLimits: FakeLimits | null, outboxLimits?: TelegramRateLimits) {
  fake = new FakeBotApi({ token: TOKEN, limits: fakeLimits, latencyMs: jitter });
  const api = new Api(TOKEN, { apiRoot: await fake.start() });
  const retries: string[] = [];
  const outbox = new Outbox({
    ...(outboxLimits ? { limits: outboxLimits } : {}),
    onRetry: (r) => retries.push(r.reason),
  });
  api.config.use(pacedBy(outbox));
  return { fake, api, outbox, sender: createTelegramSender(api), retries };
}

/** `perChat` messages to each chat, queued round by round as a broadcaster would. */
async function broadcast(sender: ReturnType<typeof createTelegramSender>, chats: string[], perChat: number) {
  const sends: Promise<unknown>[] = [];
  for (let round = 0; round < perChat; round++)
    for (const chat of chats) sends.push(sender.send(chat, [text(`chat ${chat} message ${round} **<ok>**`)]));
  await Promise.all(sends);
}

function expectAllInOrder(f: FakeBotApi, chats: string[], perChat: number) {
  for (const chat of chats)
    expect(f.messagesIn(chat).map((m) => m.text)).toEqual(
      Array.from({ length: perChat }, (_, round) => `chat ${chat} message ${round} <ok>`),
    );
}

/** Most messages Telegram accepted within any `ms` window. */
function peak(f: FakeBotApi, ms: number): number {
  const at = f.state.attempts.filter((a) => a.accepted).map((a) => a.at);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const privateChats = (n: number) => Array.from({ length: n }, (_, i) => String(10_000 + i));
const groupChats = (n: number) => Array.from({ length: n }, (_, i) => String(-1_001_000_000_000 - i));

describe('Telegram delivery within rate limits', () => {
  it('delivers 300 messages to 100 chats, all, in order per chat, within every limit, without a 429', async () => {
    const { fake, outbox } = await setUp(TELEGRAM_LIMITS).then(async (s) => {
      const chats = [...privateChats(70), ...groupChats(30)];
      const started = performance.now();
      await broadcast(s.sender, chats, 3);
      const seconds = (performance.now() - started) / 1_000;
      expect(s.fake.state.messages).toHaveLength(300);
      expectAllInOrder(s.fake, chats, 3);
      // Reported, not asserted: tests never assert wall-clock time.
      console.info(
        `[telegram delivery] 300 messages to 100 chats in ${seconds.toFixed(2)} s = ` +
          `${(300 / seconds).toFixed(1)} msg/s; busiest 1 s window at Telegram: ${peak(s.fake, 1_000)} messages; ` +
          `allowed ${TELEGRAM_LIMITS.global.max}/s overall, 1/s per chat, 20/min per group`,
      );
      return s;
    });
    expect(violations(fake.state.attempts, TELEGRAM_LIMITS)).toEqual([]);
    expect(fake.state.attempts.filter((a) => !a.accepted)).toEqual([]);
    expect(outbox.pending).toBe(0);
  }, 60_000);

  it('the fake does enforce the limits: the same burst without the outbox is refused with 429', async () => {
    fake = new FakeBotApi({ token: TOKEN, limits: TELEGRAM_LIMITS });
    const api = new Api(TOKEN, { apiRoot: await fake.start() });
    const results = await Promise.allSettled(
      privateChats(40).flatMap((chat) => [api.sendMessage(chat, 'a'), api.sendMessage(chat, 'b')]),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.includes('429') && r.includes('retry after'))).toBe(true);
  });

  it('honours retry_after when Telegram is stricter than expected: nothing lost, order kept', async () => {
    // Telegram answers 429 at 8 msg/s overall while the outbox believes 30/s is fine.
    const strict: FakeLimits = { ...TELEGRAM_LIMITS, global: { max: 8, ms: 1_000 } };
    const s = await setUp(strict);
    const chats = privateChats(12);
    await broadcast(s.sender, chats, 3);
    expect(s.fake.state.messages).toHaveLength(36);
    expectAllInOrder(s.fake, chats, 3);
    expect(s.fake.state.attempts.some((a) => !a.accepted)).toBe(true);
    expect(s.retries.filter((r) => r === '429').length).toBe(
      s.fake.state.attempts.filter((a) => !a.accepted).length,
    );
    expect(
      violations(
        s.fake.state.attempts.filter((a) => a.accepted),
        strict,
      ),
    ).toEqual([]);
  }, 60_000);

  it('keeps a busy group within its per-group window (limits scaled down to keep the test short)', async () => {
    const scaled: TelegramRateLimits = {
      perChat: { max: 1, ms: 50 },
      perGroup: { max: 5, ms: 800 },
      global: { max: 30, ms: 1_000 },
    };
    const s = await setUp(scaled, scaled);
    const group = groupChats(1);
    const others = privateChats(5);
    await Promise.all([broadcast(s.sender, group, 12), broadcast(s.sender, others, 4)]);
    expectAllInOrder(s.fake, group, 12);
    expectAllInOrder(s.fake, others, 4);
    expect(violations(s.fake.state.attempts, scaled)).toEqual([]);
    expect(s.fake.state.attempts.filter((a) => !a.accepted)).toEqual([]);
  }, 30_000);

  it('rejects, never drops, a message Telegram refuses, and the next ones to that chat still go', async () => {
    const s = await setUp(null);
    const bad = s.sender.send('42', [text('x'.repeat(10))]);
    await expect(bad).resolves.toHaveLength(1);
    const refused = s.api.sendMessage('42', '<b>unclosed', { parse_mode: 'HTML' });
    await expect(refused).rejects.toThrow(/can't parse entities/);
    await expect(s.sender.send('42', [text('after')])).resolves.toHaveLength(1);
    expect(s.fake.messagesIn('42').map((m) => m.text)).toEqual(['xxxxxxxxxx', 'after']);
  });
});
