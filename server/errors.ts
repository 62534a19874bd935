/** Maps every failure to one JSON shape: {error: {code, message}}. Internals are logged, not returned. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toAppError } from '../core/errors.ts';
import { errorsTotal } from '../core/metrics.ts';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (!(err instanceof AppError) && err.validation) {
      return reply
        .status(400)
        .send({ error: { code: 'ERR_VALIDATION', message: err.message } } satisfies ErrorBody);
    }
    if (!(err instanceof AppError) && err.statusCode && err.statusCode < 500) {
      return reply
        .status(err.statusCode)
        .send({ error: { code: err.code ?? 'ERR_REQUEST', message: err.message } } satisfies ErrorBody);
    }
    const app = toAppError(err);
    if (app.httpStatus >= 500) {
      errorsTotal.inc({ code: app.code, where: 'api' });
      request.log.error({ err, code: app.code, details: app.details }, 'request failed');
    }
    return reply
      .status(app.httpStatus)
      .send({ error: { code: app.code, message: app.userMessage } } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'ERR_NOT_FOUND', message: `No route ${request.method} ${request.url}` },
    } satisfies ErrorBody),
  );
}
