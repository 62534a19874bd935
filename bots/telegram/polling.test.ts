/**
 * Polling mode over the runner, against the fake Bot API (which long-polls and keeps updates until an
 * offset confirms them, like Telegram): chats in parallel and each in order, a stop that lets the update
 * in progress finish, and a restart that answers what arrived while the bot was down and nothing twice.
 * The core here echoes what it was told; "slow …" waits until the test lets it go.
 */

import { Bot } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../../core/agent/reply.ts';
import { createLogger } from '../../core/logger.ts';
import { createTradingTestContext, type TradingTestContext } from '../../core/trading/testing/app-context.ts';
import { FakeBotApi } from '../../test/fakes/telegram/server.ts';
import { startTelegramBot, type TelegramBotHandle } from './bot.ts';
import type { AgentEntry } from './deps.ts';
import { startPolling } from './polling.ts';

const TOKEN = '123456:TEST-polling';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Telegram polling through the runner', () => {
  let fake: FakeBotApi;
  let context: TradingTestContext;
  const running = new Set<TelegramBotHandle>();
  const asked: string[] = [];
  let letGo: () => void = () => {};
  let slowGate = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  const echo: AgentEntry = {
    async answer(inbound) {
      const said = inbound.kind === 'text' ? inbound.text : '';
      asked.push(said);
      if (said.startsWith('slow')) await slowGate;
      return { kind: 'replies', replies: [text(`got: ${said}`)], audience: 'chat' };
    },
  };

  const start = async () => {
    const bot = await startTelegramBot(context.app, { agent: echo, transcriber: null });
    running.add(bot);
    return bot;
  };
  const stop = async (bot: TelegramBotHandle) => {
    running.delete(bot);
    await bot.stop();
  };
  let nextMessageId = 1;
  const say = (chatId: number, words: string) =>
    fake.pushUpdate({
      message: {
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: `u${chatId}` },
        from: { id: chatId, is_bot: false, first_name: `u${chatId}` },
        text: words,
      },
    });
  const answersIn = (chatId: number) => fake.messagesIn(chatId).map((m) => m.text);
  const until = async (what: string, holds: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!holds()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  };

  beforeAll(async () => {
    fake = new FakeBotApi({ token: TOKEN, username: 'PollingTestBot' });
    const apiRoot = await fake.start();
    context = await createTradingTestContext('tg_polling', {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
    });
  });
  afterEach(async () => {
    letGo();
    await Promise.all([...running].map(stop));
    slowGate = new Promise<void>((resolve) => {
      letGo = resolve;
    });
  });
  afterAll(async () => {
    await fake?.stop();
    await context?.close();
  });

  it('answers other chats while one is slow, and each chat in the order it wrote', async () => {
    await start();
    const alice = 2001;
    const bob = 2002;
    await say(alice, 'slow one');
    await say(alice, 'two');
    await say(bob, 'quick');
    await until('the answer to bob', () => answersIn(bob).length > 0);
    expect(answersIn(bob)).toEqual(['got: quick']);
    // Alice's second message waits behind her first, which is still being answered.
    expect(answersIn(alice)).toEqual([]);
    expect(asked).not.toContain('two');
    letGo();
    await until('both answers to alice', () => answersIn(alice).length === 2);
    expect(answersIn(alice)).toEqual(['got: slow one', 'got: two']);
  });

  it('a stop lets the update in progress finish before it resolves', async () => {
    const bot = await start();
    const carol = 2003;
    await say(carol, 'slow answer');
    await until('the core to be asked', () => asked.includes('slow answer'));
    let stopped = false;
    const stopping = stop(bot).then(() => {
      stopped = true;
    });
    await sleep(200);
    expect(stopped).toBe(false);
    letGo();
    await stopping;
    expect(answersIn(carol)).toEqual(['got: slow answer']);
  });

  it('after a restart it answers what arrived while it was down, and nothing twice', async () => {
    const dave = 2004;
    const first = await start();
    await say(dave, 'before');
    await until('the first answer', () => answersIn(dave).length === 1);
    await stop(first);
    await say(dave, 'while down');
    await say(dave, 'also while down');
    await start();
    await until('the answers after the restart', () => answersIn(dave).length >= 3);
    await say(dave, 'after');
    await until('the last answer', () => answersIn(dave).length >= 4);
    expect(answersIn(dave)).toEqual(['got: before', 'got: while down', 'got: also while down', 'got: after']);
    expect(asked.filter((a) => a === 'before')).toHaveLength(1);
  });

  it('polls again after Telegram refused polling (409: another instance polls), and misses nothing', async () => {
    const erin = 2005;
    const conflict = {
      ok: false as const,
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request',
    };
    let refused = 0;
    fake.fault = (method) => {
      if (method !== 'getUpdates') return undefined;
      refused++;
      return conflict;
    };
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
    const seen: string[] = [];
    bot.on('message:text', (ctx) => void seen.push(ctx.msg.text));
    await bot.init();
    const poller = await startPolling(bot, createLogger({ level: 'silent' }), { restartAfterMs: 100 });
    try {
      await until('a refused poll', () => refused > 0);
      await say(erin, 'sent while refused');
      fake.fault = undefined;
      await until('the message, once polling is allowed again', () => seen.length > 0);
      expect(seen).toEqual(['sent while refused']);
    } finally {
      fake.fault = undefined;
      await poller.stop(1_000);
    }
  });
});
