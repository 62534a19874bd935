/**
 * Webhook mode: a Fastify route (mounted by the lead on the API server) at the path of
 * TELEGRAM_WEBHOOK_URL. Every call must carry X-Telegram-Bot-Api-Secret-Token equal to the secret given
 * to setWebhook (compared in constant time). The update is acknowledged at once and handled by the
 * dispatcher: Telegram retries webhooks that answer slowly, and an LLM turn can take longer than that.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { Logger } from '../../core/logger.ts';
import type { Dispatcher } from './dispatcher.ts';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The envelope is checked here; the rest of an update is Telegram's typed payload for grammY. */
const UpdateEnvelope = z.looseObject({ update_id: z.number().int().nonnegative() });

export function secretMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function webhookPlugin(options: {
  readonly path: string;
  readonly secret: string;
  readonly dispatcher: Dispatcher;
  /** False once the bot is stopping: Telegram is told to retry later instead of losing the update. */
  readonly accepting?: () => boolean;
  readonly logger: Logger;
}): FastifyPluginAsync {
  return async (app) => {
    app.post(
      options.path,
      {
        bodyLimit: 1024 * 1024,
        // Telegram calls from a few addresses; the per-client API rate limit must not throttle updates.
        config: { rateLimit: false },
        schema: { hide: true },
      },
      async (request, reply) => {
        if (!secretMatches(request.headers[SECRET_HEADER], options.secret)) {
          options.logger.warn({ ip: request.ip }, 'Telegram webhook call without the right secret token');
          return reply.code(401).send({ ok: false, error: 'unauthorized' });
        }
        if (options.accepting && !options.accepting())
          return reply.code(503).header('retry-after', '5').send({ ok: false, error: 'stopping' });
        const envelope = UpdateEnvelope.safeParse(request.body);
        if (!envelope.success) return reply.code(400).send({ ok: false, error: 'not a Telegram update' });
        options.dispatcher.dispatch(envelope.data as unknown as Update);
        return reply.code(200).send({ ok: true });
      },
    );
  };
}
