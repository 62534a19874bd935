/**
 * One Telegram rate budget per bot per process: the bots role and the broadcaster of one process
 * send as the same bot, so their messages must be paced together. Both take their outbox from
 * `sharedOutbox` (bots/telegram/outbox.ts); here two broadcast clients of one bot send to one chat at
 * once against the fake Bot API, which enforces the per-chat limit on its own and answers 429 to
 * anything beyond it. With one shared budget it never has to; with a budget each (the old way) the
 * chat gets twice its allowance and the fake refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, sharedOutbox } from '../../bots/telegram/outbox.ts';
import { createTelegramBroadcast } from '../../bots/telegram/signal-cards.ts';
import { FakeBotApi } from '../../test/fakes/telegram/server.ts';
import { closed, makeSignal } from './testing/signals.ts';

const TOKEN = '123456:budget-test-token';
// Telegram's shape (1 message per window in a chat), on a short window so the test is quick.
const perChat = { max: 1, ms: 150 };
const limits = { perChat, perGroup: { max: 100, ms: 60_000 }, global: { max: 100, ms: 1_000 } };

describe('Telegram budget shared by the roles of one process', () => {
  let fake: FakeBotApi;
  let apiRoot: string;
  beforeAll(async () => {
    fake = new FakeBotApi({ token: TOKEN, limits });
    apiRoot = await fake.start();
  });
  afterAll(() => fake?.stop());

  const burst = async (clients: ReturnType<typeof createTelegramBroadcast>[], chatId: string) => {
    await Promise.all(
      clients.flatMap((c, k) =>
        Array.from({ length: 4 }, (_, i) =>
          c.channel.sendLifecycle(chatId, closed(makeSignal(k * 10 + i, 'BTC/USDT'), 'target'), undefined, {
            key: `${k}:${i}`,
            onDispatch: async () => {},
          }),
        ),
      ),
    );
  };
  const refused = (chatId: string) => fake.state.attempts.filter((a) => a.chatId === chatId && !a.accepted);

  it('two clients of one bot in one process take the same outbox', async () => {
    const a = sharedOutbox({ token: TOKEN, apiRoot });
    const b = sharedOutbox({ token: TOKEN, apiRoot: `${apiRoot}/` });
    expect(a.outbox).toBe(b.outbox);
    const other = sharedOutbox({ token: '654321:another-bot', apiRoot });
    expect(other.outbox).not.toBe(a.outbox);
    await Promise.all([a.release(), b.release(), other.release()]);
  });

  it('their messages to one chat together stay within its limit', async () => {
    const clients = [0, 1].map(() => createTelegramBroadcast({ token: TOKEN, apiRoot, outbox: { limits } }));
    await burst(clients, '5001');
    await Promise.all(clients.map((c) => c.close(1_000)));
    expect(fake.messagesIn('5001')).toHaveLength(8);
    expect(refused('5001')).toEqual([]);
  });

  it('control: an outbox each (a budget each) exceeds the chat limit', async () => {
    // The same two senders, each paced by its own Outbox: what the bots role and the broadcaster did.
    const own = [new Outbox({ limits }), new Outbox({ limits })];
    await Promise.all(
      own.flatMap((o) =>
        Array.from({ length: 4 }, () =>
          o.enqueue('5002', async () => {
            const res = await fetch(`${apiRoot}/bot${TOKEN}/sendMessage`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ chat_id: '5002', text: 'hello' }),
            });
            return (await res.json()) as { ok: boolean };
          }),
        ),
      ),
    );
    await Promise.all(own.map((o) => o.close(1_000)));
    expect(refused('5002').length).toBeGreaterThan(0);
  });
});
