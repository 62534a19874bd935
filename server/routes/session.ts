/**
 * POST /v1/session and DELETE /v1/session: the dashboard's way in when API_REQUIRE_KEY=true (its
 * EventSource cannot send Authorization). POST with `Authorization: Bearer <key>` sets an HttpOnly
 * session cookie standing for that key (server/session.ts); DELETE signs it out (the token is refused
 * from then on, by every API process) and clears the cookie. DELETE needs no valid session: signing
 * out with an expired or revoked one still clears it. Other clients keep sending the header and never
 * need this.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { commonErrors } from '../schemas/errors.ts';
import {
  clearedSessionCookie,
  readCookie,
  SESSION_COOKIE,
  SESSION_SECONDS,
  type SessionSigner,
  sessionCookie,
  tokenExpiry,
} from '../session.ts';

const sessionOut = z
  .object({ expiresInSeconds: z.number().int(), key: z.object({ prefix: z.string(), name: z.string() }) })
  .meta({
    example: { expiresInSeconds: SESSION_SECONDS, key: { prefix: 'cpk_AbCdEfGh', name: 'dashboard' } },
  });

const currentSessionOut = z.object({ session: sessionOut.nullable() }).meta({
  example: { session: { expiresInSeconds: 3600, key: { prefix: 'cpk_AbCdEfGh', name: 'dashboard' } } },
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

    app.get(
      '/v1/session',
      {
        schema: {
          tags: ['ops'],
          summary: 'The dashboard session this request carries, if any: its key and time left',
          description:
            'For the dashboard to show which key it is signed in with and offer to sign out. `session` is null when the request carries no valid session cookie (a bearer key is not a session); with API_REQUIRE_KEY=true such a request answers 401 instead.',
          response: { 200: currentSessionOut, ...commonErrors },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const token = readCookie(request.headers.cookie, SESSION_COOKIE);
        const expiresAt = token === undefined ? undefined : tokenExpiry(token);
        // The access hook set the key from the cookie only when no Authorization header came along.
        if (!request.apiKey || request.headers.authorization || expiresAt === undefined)
          return { session: null };
        return {
          session: {
            expiresInSeconds: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
            key: { prefix: request.apiKey.prefix, name: request.apiKey.name },
          },
        };
      },
    );

    app.delete(
      '/v1/session',
      {
        schema: {
          tags: ['ops'],
          summary: 'End the dashboard session (its token is refused from now on; the cookie is cleared)',
          description:
            'Works without a valid session (an expired or revoked one is cleared all the same). A 503 means the sign-out could not be recorded: the cookie is then kept, so that the browser can try again.',
          response: { 200: z.object({ ended: z.literal(true) }), ...commonErrors },
        },
      },
      async (request, reply) => {
        const token = readCookie(request.headers.cookie, SESSION_COOKIE);
        // Recorded first: if Redis does not answer, the error (503) leaves the cookie in place.
        if (token !== undefined) await sessions.end(token);
        reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
        reply.header('cache-control', 'no-store');
        return { ended: true as const };
      },
    );
  };
}
