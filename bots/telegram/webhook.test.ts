/**
 * The webhook route on the real API server (its error handler, rate limit and OpenAPI document): grammY's
 * webhookCallback refuses calls without the secret, the envelope is checked, and an update is
 * acknowledged before the bot that handles it is done (an LLM turn outlasts Telegram's webhook timeout).
 */
import type { FastifyInstance } from 'fastify';
import { Bot } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { type AppContext, createAppContext } from '../../core/context.ts';
import { createLogger } from '../../core/logger.ts';
import { buildApp } from '../../server/app.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { SECRET_HEADER, startWebhookIntake, type WebhookIntake } from './webhook.ts';

const PATH = '/telegram/webhook';
const SECRET = 'webhook-secret-0123456789abcdef';
/** What getMe would say; the test's bot never calls Telegram. */
const BOT_INFO = {
  id: 666,
  is_bot: true,
  first_name: 'CryptoPulse',
  username: 'WebhookTestBot',
} as UserFromGetMe;

describe('Telegram webhook route on the API server', () => {
  let t: TestContext;
  let ctx: AppContext;
  let app: FastifyInstance;
  let intake: WebhookIntake;
  const handled: Update[] = [];
  let letGo: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    letGo = resolve;
  });

  beforeAll(async () => {
    t = await createTestContext('tg_webhook');
    ctx = createAppContext(
      loadConfig({ ...t.env, RATE_LIMIT_PER_MINUTE: '5' }),
      createLogger({ level: 'silent' }),
    );
    const bot = new Bot('123456:TEST-webhook', { botInfo: BOT_INFO });
    bot.use(async (c) => {
      handled.push(c.update);
      await gate;
    });
    intake = startWebhookIntake(bot, { path: PATH, secret: SECRET });
    app = await buildApp(ctx);
    await app.register(intake.plugin);
  });
  afterAll(async () => {
    letGo();
    await intake?.stop(1_000);
    await app?.close();
    await ctx?.close();
    await t?.close();
  });

  const update = (id: number) => ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: 5, type: 'private' }, text: `hi ${id}` },
  });
  const post = (body: unknown, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }) =>
    app.inject({ method: 'POST', url: PATH, payload: body as object, headers });

  it('refuses calls without the right secret token, however many (the API rate limit does not apply)', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await post(update(1), {})).statusCode).toBe(401);
      expect((await post(update(1), { [SECRET_HEADER]: `${SECRET.slice(0, -1)}x` })).statusCode).toBe(401);
    }
    expect(handled).toEqual([]);
  });

  it('refuses a caller without the secret before reading its body, whatever the body', async () => {
    const forged = (payload: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: PATH,
        payload,
        headers: { 'content-type': 'application/json', ...headers },
      });
    expect((await forged('{not json')).statusCode).toBe(401);
    expect((await forged(JSON.stringify({ hello: 'world' }))).statusCode).toBe(401);
    expect((await forged('x'.repeat(2 * 1024 * 1024))).statusCode).toBe(401);
    expect((await forged('{not json', { [SECRET_HEADER]: 'short' })).statusCode).toBe(401);
    expect((await forged('{not json', { [SECRET_HEADER]: SECRET })).statusCode).toBe(400);
    expect(handled).toEqual([]);
  });

  it('refuses a body that is not a Telegram update', async () => {
    expect((await post({ hello: 'world' })).statusCode).toBe(400);
    expect((await post({ update_id: -1 })).statusCode).toBe(400);
    expect(handled).toEqual([]);
  });

  it('acknowledges an update at once and hands it to the bot, which may take its time', async () => {
    const res = await post(update(10));
    expect(res.statusCode).toBe(200);
    const deadline = Date.now() + 10_000;
    while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // The bot is still held at the gate, yet Telegram already had its answer.
    expect(handled.map((u) => u.update_id)).toEqual([10]);
    letGo();
  });

  it('is not in the OpenAPI document', async () => {
    const doc = (await app.inject('/docs/json')).json();
    expect(Object.keys(doc.paths)).not.toContain(PATH);
  });

  it('asks Telegram to come back later once stopping', async () => {
    await intake.stop(1_000);
    const res = await post(update(11));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});
