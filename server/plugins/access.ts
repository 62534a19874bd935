/**
 * Who is calling and how often: API keys (Authorization: Bearer, or the dashboard's session cookie that
 * stands for one) and the per-client rate limit, shared
 * by every API process through Redis. Anonymous callers are counted per client address (request.ip,
 * which honours TRUST_PROXY: with it off a forged X-Forwarded-For changes nothing); a key is counted
 * per key, at its own limit. Only /v1 and /docs are limited: probes, metrics and the dashboard's static
 * files are not.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyInfo, ApiKeyStore } from '../../core/apikeys/store.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { readCookie, SESSION_COOKIE, type SessionSigner } from '../session.ts';
import { batchedRedisStore } from './rate-limit-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request authenticated with, if any. */
    apiKey: ApiKeyInfo | null;
  }
}

export interface AccessDeps {
  readonly config: Pick<Config, 'RATE_LIMIT_PER_MINUTE' | 'API_REQUIRE_KEY'>;
  readonly apiKeys: ApiKeyStore;
  /** Fail-fast connection: a Redis outage lets requests through instead of hanging them. */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** Dashboard sessions (a cookie standing for a key, see server/session.ts). */
  readonly sessions: SessionSigner;
}

/** The request's path as sent (route patterns such as the dashboard's `/*` would hide /v1 paths). */
function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

const SESSION_PATH = '/v1/session';
const isPublicRead = (path: string) => path.startsWith('/v1/') || path === '/v1';
const isLimited = (path: string) => isPublicRead(path) || path.startsWith('/docs');

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    throw new AppError('ERR_UNAUTHORIZED', 'malformed authorization', {
      userMessage: 'Authorization must be "Bearer <API key>".',
    });
  }
  return m[1];
}

export async function registerAccess(app: FastifyInstance, deps: AccessDeps): Promise<void> {
  app.decorateRequest('apiKey', null);
  const authenticate = async (
    request: FastifyRequest,
    token: string | undefined,
    session: string | undefined,
  ) => {
    if (token !== undefined) {
      const key = await deps.apiKeys.verify(token);
      if (!key) {
        throw new AppError('ERR_UNAUTHORIZED', 'unknown or revoked api key', {
          userMessage: 'That API key is not valid (unknown or revoked).',
        });
      }
      request.apiKey = key;
      return;
    }
    // The dashboard's session cookie stands for the key it was issued against, while that key is active.
    const keyId = session ? await deps.sessions.verify(session) : undefined;
    const key = keyId ? await deps.apiKeys.active(keyId) : null;
    if (key) request.apiKey = key;
    else if (deps.config.API_REQUIRE_KEY) {
      throw new AppError('ERR_UNAUTHORIZED', session ? 'session invalid or expired' : 'api key required');
    }
  };
  // Runs before the rate limit's own hook (app-level hooks precede route-level ones), so the limit
  // can tell a key from an address. A callback hook: an anonymous request (no key, no session) is
  // decided without waiting, so it costs no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const path = pathOf(request);
    // Signing out needs no valid session: an expired or revoked one must still be cleared.
    if (!isPublicRead(path) || (path === SESSION_PATH && request.method === 'DELETE')) return done();
    let token: string | undefined;
    try {
      token = bearer(request);
    } catch (err) {
      return done(err as Error);
    }
    const session = token === undefined ? readCookie(request.headers.cookie, SESSION_COOKIE) : undefined;
    if (token === undefined && session === undefined && !deps.config.API_REQUIRE_KEY) return done();
    authenticate(request, token, session).then(() => done(), done);
  });

  await app.register(rateLimit, {
    max: (request) => request.apiKey?.ratePerMinute ?? deps.config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    store: batchedRedisStore(deps.redis, `${deps.keys.key('ratelimit')}:`),
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    allowList: (request) => !isLimited(pathOf(request)),
    // Redis down: serve rather than refuse; the routes that need Redis answer 503 themselves.
    skipOnError: true,
    // The plugin throws what this returns; an AppError goes through the one error mapping.
    errorResponseBuilder: (_request, info) =>
      new AppError('ERR_RATE_LIMITED', 'api rate limit', {
        userMessage: `Rate limit of ${info.max} requests per minute exceeded; retry in ${Math.ceil(info.ttl / 1000)} s.`,
      }) as unknown as object,
  });
}
