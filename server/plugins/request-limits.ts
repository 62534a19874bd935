/**
 * Request ids and size limits, applied before anything else runs. A caller's X-Request-Id is kept when
 * it is a sane token (so a proxy's id follows the request through our logs), otherwise we mint one;
 * either way it is echoed back. Query strings are bounded here, headers by Node (maxHeaderSize).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { badParameter } from '../errors.ts';

export const MAX_QUERY_BYTES = 2_048;
export const MAX_HEADER_BYTES = 8_192;

const REQUEST_ID = /^[\w.:-]{1,64}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The parameter that makes a query string too long: the longest one. */
function longestParameter(query: string): string {
  let name = 'query';
  let longest = -1;
  for (const part of query.split('&')) {
    if (part.length <= longest) continue;
    longest = part.length;
    const raw = part.split('=')[0] ?? '';
    try {
      name = decodeURIComponent(raw).slice(0, 40) || 'query';
    } catch {
      name = 'query';
    }
  }
  return name;
}

export function registerRequestLimits(app: FastifyInstance): void {
  // Callback hooks, not async ones: nothing here waits, and an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const q = request.url.indexOf('?');
    if (q >= 0 && request.url.length - q - 1 > MAX_QUERY_BYTES) {
      const query = request.url.slice(q + 1);
      done(
        badParameter(
          longestParameter(query),
          `the query string is ${query.length} bytes; at most ${MAX_QUERY_BYTES} are accepted`,
        ),
      );
      return;
    }
    done();
  });
  // Repeated parameters (?limit=5&limit=6) would reach schemas as arrays; say so plainly instead.
  app.addHook('preValidation', (request, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object') {
      for (const name in query) {
        if (Array.isArray(query[name])) {
          done(badParameter(name, 'is given more than once; give it once'));
          return;
        }
      }
    }
    done();
  });
}
