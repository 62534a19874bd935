/**
 * POST /v1/session and DELETE /v1/session: the dashboard's way in when API_REQUIRE_KEY=true (its
 * EventSource cannot send Authorization). POST with `Authorization: Bearer <key>` sets an HttpOnly
 * session cookie standing for that key (server/session.ts); DELETE clears it. Other clients keep
 * sending the header and never need this.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { commonErrors } from '../schemas/errors.ts';
import { clearedSessionCookie, SESSION_SECONDS, type SessionSigner, sessionCookie } from '../session.ts';

const sessionOut = z
  .object({ expiresInSeconds: z.number().int(), key: z.object({ prefix: z.string(), name: z.string() }) })
  .meta({
    example: { expiresInSeconds: SESSION_SECONDS, key: { prefix: 'cpk_AbCdEfGh', name: 'dashboard' } },
  });

export function sessionRoutes(sessions: SessionSigner): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/session',
      {
        schema: {
          tags: ['ops'],
          summary: 'Trade an API key for a dashboard session cookie (for API_REQUIRE_KEY=true)',
          description:
            'Send `Authorization: Bearer <key>`; the answer sets an HttpOnly, SameSite=Strict cookie on /v1 that stands for the key for 12 h or until the key is revoked, so the browser’s EventSource can read the streams.',
          security: [{ apiKey: [] }],
          response: { 200: sessionOut, ...commonErrors },
        },
      },
      async (request, reply) => {
        // The access hook has verified the header; a session cannot be made from another session.
        if (!request.apiKey || !request.headers.authorization)
          throw new AppError('ERR_UNAUTHORIZED', 'session needs a bearer key');
        const token = await sessions.issue(request.apiKey.id);
        reply.header('set-cookie', sessionCookie(token, request.protocol === 'https'));
        reply.header('cache-control', 'no-store');
        return {
          expiresInSeconds: SESSION_SECONDS,
          key: { prefix: request.apiKey.prefix, name: request.apiKey.name },
        };
      },
    );

    app.delete(
      '/v1/session',
      {
        schema: {
          tags: ['ops'],
          summary: 'End the dashboard session (clears its cookie)',
          response: { 200: z.object({ ended: z.literal(true) }), ...commonErrors },
        },
      },
      async (request, reply) => {
        reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
        return { ended: true as const };
      },
    );
  };
}
