/**
 * An end-to-end stage for the Telegram adapter: telegram-test-api (users and chats), our Bot API fake in
 * front of it (what telegram-test-api lacks, validation, limits), the real grammY bot started by
 * `startTelegramBot` in polling or webhook mode (the webhook route on a real Fastify server), and an
 * AppContext on this test's own Postgres database and Redis prefix.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createTradingTestContext,
  type TradingTestContext,
} from '../../../core/trading/testing/app-context.ts';
import { FakeBotApi } from '../../../test/fakes/telegram/server.ts';
import type { SentMessage } from '../../../test/fakes/telegram/state.ts';
import {
  freePort,
  startTelegramTestApi,
  type TelegramServer,
} from '../../../test/fakes/telegram/upstream.ts';
import { startTelegramBot, type TelegramBotHandle } from '../bot.ts';
import type { TelegramDeps } from '../deps.ts';

export const BOT_TOKEN = '123456:TEST-cryptopulse';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export type Mode = 'polling' | 'webhook';

export interface Stage {
  readonly mode: Mode;
  readonly upstream: TelegramServer;
  readonly fake: FakeBotApi;
  readonly bot: TelegramBotHandle;
  readonly context: TradingTestContext;
  /** Webhook mode: the URL Telegram posts to. */
  readonly webhookUrl?: string;
  /** A Telegram user writing in a chat (telegram-test-api's client). */
  user(options: {
    userId: number;
    chatId?: number;
    type?: 'private' | 'group' | 'supergroup';
    name?: string;
  }): TestUser;
  /** Waits until `predicate` holds for the messages of `chatId`, or fails with what was there. */
  waitFor(
    chatId: number | string,
    predicate: (messages: SentMessage[]) => boolean,
    what: string,
  ): Promise<SentMessage[]>;
  stop(): Promise<void>;
}

export interface TestUser {
  readonly userId: number;
  readonly chatId: number;
  say(text: string): Promise<void>;
  command(text: string): Promise<void>;
  press(data: string, messageId: number): Promise<void>;
  voice(fileId: string, options?: { replyToBot?: boolean }): Promise<void>;
}

/** Telegram marks @usernames in a text as mention entities; telegram-test-api does not, so we do. */
function mentionEntities(text: string): { entities?: { type: 'mention'; offset: number; length: number }[] } {
  const entities = [...text.matchAll(/@[A-Za-z0-9_]{5,32}/g)].map((m) => ({
    type: 'mention' as const,
    offset: m.index,
    length: m[0].length,
  }));
  return entities.length ? { entities } : {};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bot's dependencies, built over the stage's own AppContext (the real core, where a test uses it). */
export type DepsFactory = (
  app: TradingTestContext['app'],
) => Promise<{ deps: TelegramDeps; close?: () => Promise<void> }>;

export async function startStage(
  mode: Mode,
  depsOrFactory: TelegramDeps | DepsFactory,
  options: { env?: Record<string, string>; label?: string } = {},
): Promise<Stage> {
  const upstream = await startTelegramTestApi();
  const fake = new FakeBotApi({ token: BOT_TOKEN, username: 'CryptoPulseTestBot', upstream });
  const apiRoot = await fake.start();
  let server: FastifyInstance | undefined;
  let webhookUrl: string | undefined;
  const env: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    ...options.env,
  };
  let port = 0;
  if (mode === 'webhook') {
    port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    Object.assign(env, { TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET });
  }
  const context = await createTradingTestContext(options.label ?? `tg_${mode}`, env);
  const built =
    typeof depsOrFactory === 'function' ? await depsOrFactory(context.app) : { deps: depsOrFactory };
  const bot = await startTelegramBot(context.app, built.deps);
  if (mode === 'webhook') {
    if (!bot.webhookPlugin) throw new Error('webhook mode without a webhook plugin');
    server = Fastify();
    await server.register(bot.webhookPlugin);
    await server.listen({ port, host: '127.0.0.1' });
  }

  const stage: Stage = {
    mode,
    upstream,
    fake,
    bot,
    context,
    ...(webhookUrl ? { webhookUrl } : {}),
    user({ userId, chatId = userId, type = 'private', name = `user${userId}` }) {
      const client = upstream.getClient(BOT_TOKEN, { userId, chatId, type, firstName: name, userName: name });
      return {
        userId,
        chatId,
        say: async (text) =>
          void (await client.sendMessage(client.makeMessage(text, mentionEntities(text) as never))),
        command: async (text) => void (await client.sendCommand(client.makeCommand(text))),
        press: async (data, messageId) =>
          void (await client.sendCallback(
            client.makeCallbackQuery(data, { message: { message_id: messageId } } as never),
          )),
        voice: async (fileId, o = {}) =>
          void (await client.sendMessage(
            client.makeMessage('', {
              voice: {
                file_id: fileId,
                file_unique_id: `u${fileId}`,
                duration: 2,
                mime_type: 'audio/ogg',
                file_size: 1200,
              },
              ...(o.replyToBot
                ? { reply_to_message: { message_id: 1, from: { id: 666, is_bot: true, first_name: 'Bot' } } }
                : {}),
            } as never),
          )),
      };
    },
    async waitFor(chatId, predicate, what) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const messages = fake.messagesIn(chatId);
        if (predicate(messages)) return messages;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; chat ${chatId} has: ${JSON.stringify(messages.map((m) => m.text))}`,
          );
        await sleep(25);
      }
    },
    async stop() {
      await bot.stop();
      await built.close?.();
      await server?.close();
      await fake.stop();
      await upstream.stop();
      await context.close();
    },
  };
  return stage;
}
