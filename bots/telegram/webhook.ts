/**
 * Webhook mode: grammY's `webhookCallback` on a Fastify route (mounted on the API server) at the path
 * of TELEGRAM_WEBHOOK_URL. X-Telegram-Bot-Api-Secret-Token is checked against the secret given to
 * setWebhook (constant time, 401 otherwise) before the body is read, and grammY answers once the
 * middleware of its bot is done; that bot is an intake whose only middleware queues the update, so
 * Telegram is answered at once (it retries webhooks that answer slowly, and an LLM turn can take longer
 * than that). The bot that does the work takes updates from the queue through the same runner as
 * polling (runner.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { run } from '@grammyjs/runner';
import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { Bot, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import { CONCURRENCY, settled } from './runner.ts';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The envelope is checked here (400 otherwise); the rest of an update is Telegram's payload for grammY. */
const UpdateEnvelope = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface WebhookIntake {
  readonly plugin: FastifyPluginAsync;
  /** Refuses new updates (503: Telegram delivers them later), waits up to `timeoutMs` for taken ones. */
  stop(timeoutMs: number): Promise<void>;
}

/** Updates taken in by the route, until the runner asks for them (it calls this its `getUpdates`). */
function updateQueue() {
  const queued: Update[] = [];
  let wake: (() => void) | undefined;
  return {
    get length() {
      return queued.length;
    },
    push(update: Update) {
      queued.push(update);
      wake?.();
    },
    async take(limit: number, signal: AbortSignal): Promise<Update[]> {
      while (queued.length === 0) {
        signal.throwIfAborted();
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      wake = undefined;
      return queued.splice(0, limit);
    },
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests, so neither the secret's length nor its first differing byte shows in the timing. */
function secretMatches(header: string | string[] | undefined, secret: Buffer): boolean {
  return typeof header === 'string' && timingSafeEqual(digest(header), secret);
}

export function startWebhookIntake(bot: Bot, options: { readonly path: string; readonly secret: string }) {
  const secret = digest(options.secret);
  const queue = updateQueue();
  const handle = run(
    {
      handleUpdate: (update: Update) => bot.handleUpdate(update),
      errorHandler: (err: Parameters<Bot['errorHandler']>[0]) => bot.errorHandler(err),
      // The runner types its signal after the abort-controller polyfill; at run time it is the native one.
      api: { getUpdates: ({ limit }, signal) => queue.take(limit, signal as unknown as AbortSignal) },
    },
    { runner: { silent: true }, sink: { concurrency: CONCURRENCY } },
  );

  const intake = new Bot(bot.token, { botInfo: bot.botInfo });
  intake.use((ctx) => queue.push(ctx.update));
  const callback = webhookCallback(intake, 'fastify', { secretToken: options.secret });
  let accepting = true;

  const plugin: FastifyPluginAsync = async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    app.post(
      options.path,
      {
        bodyLimit: 1024 * 1024,
        // Telegram calls from a few addresses; the per-client API rate limit must not throttle updates.
        config: { rateLimit: false },
        schema: { hide: true, body: UpdateEnvelope },
        // Before the body is read: a caller without the secret learns nothing from how its body fares
        // (400, 413); grammY checks the token again.
        onRequest: async (request, reply) => {
          if (!secretMatches(request.headers[SECRET_HEADER], secret))
            return reply.code(401).send({ ok: false, error: 'secret token is wrong' });
        },
        preHandler: async (_request, reply) => {
          if (!accepting)
            return reply.code(503).header('retry-after', '5').send({ ok: false, error: 'stopping' });
        },
      },
      callback,
    );
  };

  return {
    plugin,
    async stop(timeoutMs: number) {
      accepting = false;
      await settled(() => queue.length + handle.size(), timeoutMs);
      void handle.stop();
    },
  } satisfies WebhookIntake;
}
