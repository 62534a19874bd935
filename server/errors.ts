/**
 * Maps every failure to one JSON shape, {error: {code, message, parameter?}}: a bad parameter is a 400
 * naming it, a store that is down a 503 with Retry-After, and internals are logged, never returned.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, toAppError } from '../core/errors.ts';
import { errorsTotal } from '../core/metrics.ts';
import { asServiceError } from '../core/trading/deps.ts';
import type { ErrorBody } from './schemas/errors.ts';

export type { ErrorBody };

/** Seconds a client should wait after a 503 before trying again. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

/** A 400 for `parameter`, raised by handlers for checks a schema cannot express (a tampered cursor). */
export function badParameter(parameter: string, message: string): AppError {
  return new AppError('ERR_VALIDATION', `${parameter}: ${message}`, {
    userMessage: `${parameter}: ${message}`,
    details: { parameter },
  });
}

interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: { readonly keys?: readonly string[] };
}

/** The first issue as `parameter: what is wrong`; `validationContext` is querystring, params or headers. */
function describeValidation(issues: readonly ValidationIssue[], context: string | undefined) {
  const issue = issues[0]!;
  const fromPath = issue.instancePath.split('/').filter(Boolean)[0];
  if (issue.keyword === 'unrecognized_keys' && issue.params?.keys?.length) {
    const [key] = issue.params.keys;
    return { parameter: key!, message: `${key}: is not a parameter of this route` };
  }
  const parameter = fromPath ?? context ?? 'request';
  return { parameter, message: `${parameter}: ${issue.message ?? 'is not valid'}` };
}

/** Redis and Postgres trouble is a 503 the client may retry, not a 500. */
function asUnavailable(err: unknown): unknown {
  const mapped = asServiceError(err);
  if (mapped !== err) return mapped;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /enableOfflineQueue|Connection is closed|Stream isn't writeable|ECONNREFUSED|Can't reach database/i.test(
      text,
    )
  ) {
    return new AppError('ERR_UNAVAILABLE', `store unreachable: ${text}`, { cause: err });
  }
  return err;
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  if (status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', UNAVAILABLE_RETRY_AFTER_S);
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (!(err instanceof AppError) && hasZodFastifySchemaValidationErrors(err)) {
      const { parameter, message } = describeValidation(err.validation, err.validationContext);
      return send(reply, 400, { error: { code: 'ERR_VALIDATION', message, parameter } });
    }
    if (!(err instanceof AppError) && err.validation) {
      return send(reply, 400, { error: { code: 'ERR_VALIDATION', message: err.message } });
    }
    if (!(err instanceof AppError) && err.statusCode && err.statusCode < 500) {
      return send(reply, err.statusCode, {
        error: { code: err.code ?? 'ERR_REQUEST', message: err.message },
      });
    }
    const app = toAppError(asUnavailable(err));
    if (app.httpStatus >= 500) {
      errorsTotal.inc({ code: app.code, where: 'api' });
      request.log.error({ err, code: app.code, details: app.details }, 'request failed');
    }
    const parameter = typeof app.details.parameter === 'string' ? app.details.parameter : undefined;
    return send(reply, app.httpStatus, {
      error: { code: app.code, message: app.userMessage, ...(parameter ? { parameter } : {}) },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, {
      error: {
        code: 'ERR_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`,
      },
    }),
  );
}
