/**
 * Fastify's request log lines, at the level their outcome deserves. Fastify writes two info lines per
 * request ('incoming request', 'request completed'), each through the redacting formatter of
 * core/logger.ts: under load that cost more CPU than the /v1/signals route itself. Operators act on
 * refusals, failures and slow answers, so at info one line is written for a request that answered
 * 4xx/5xx or took SLOW_REQUEST_MS or more, with the request (method, url, address) and the response;
 * every other request logs both of Fastify's lines at debug. Fastify's other lines (stream errors,
 * failed writes, serializer errors) are unchanged. Every line comes from the request's child logger
 * and so carries its request id (`reqId`, echoed as X-Request-Id).
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from '../../core/logger.ts';

/** An answer slower than this is logged at info whatever its status. */
export const SLOW_REQUEST_MS = 1_000;

/** Fastify's request logger here is core/logger's pino; asking first spares building an unread line. */
const enabled = (request: FastifyRequest, level: 'debug' | 'info') =>
  (request.log as unknown as Logger).isLevelEnabled(level);

export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (enabled(request, 'debug')) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const responseTime = reply.elapsedTime;
    if (reply.statusCode >= 400 || responseTime >= SLOW_REQUEST_MS) {
      if (enabled(request, 'info'))
        reply.log.info({ req: request, res: reply, responseTime }, 'request completed');
    } else if (enabled(request, 'debug')) {
      reply.log.debug({ res: reply, responseTime }, 'request completed');
    }
  }
}
