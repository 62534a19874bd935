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
  readonly params?: {
    readonly keys?: readonly string[];
    readonly expected?: string;
    readonly input?: unknown;
  };
}

/** At most this many characters of anything a caller sent appear in an error message. */
export const ECHO_CHARS = 64;

/** A caller's text as error messages may quote it: a short prefix, never the unbounded input. */
export function clip(text: string, max: number = ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The example the route documents for `parameter` (its zod `.meta({ example })`), if any. */
function exampleOf(schema: unknown, parameter: string): string | undefined {
  const shape = (schema as { shape?: Record<string, { meta?: () => { example?: unknown } | undefined }> })
    ?.shape;
  const field = shape?.[parameter];
  let example: unknown;
  try {
    example = typeof field?.meta === 'function' ? field.meta()?.example : undefined;
  } catch {
    example = undefined;
  }
  return typeof example === 'string' || typeof example === 'number' ? String(example) : undefined;
}

/**
 * One mapping of zod issues to sentences for every route: our schemas carry their own messages for
 * bad values; zod's generic texts ("Invalid input: expected string, received undefined") never reach
 * a caller.
 */
function sentenceFor(issue: ValidationIssue, parameter: string, schema: unknown): string {
  const params = issue.params ?? {};
  if (issue.keyword === 'invalid_type' && params.input === undefined) {
    const example = exampleOf(schema, parameter);
    return `is required${example ? ` (e.g. ${example})` : ''}`;
  }
  const message = issue.message ?? '';
  if (!message || /^Invalid|^Expected|^Too (big|small)|received/i.test(message)) {
    if (issue.keyword === 'invalid_type' && params.expected)
      return `must be a single ${params.expected} value`;
    return 'is not valid';
  }
  return message;
}

/** The first issue as `parameter: what is wrong`; `validationContext` is querystring, params or headers. */
function describeValidation(
  issues: readonly ValidationIssue[],
  context: string | undefined,
  schema: unknown,
) {
  const issue = issues[0]!;
  const fromPath = issue.instancePath.split('/').filter(Boolean)[0];
  if (issue.keyword === 'unrecognized_keys' && issue.params?.keys?.length) {
    const key = clip(issue.params.keys[0]!, 40);
    return { parameter: key, message: `${key}: is not a parameter of this route` };
  }
  const parameter = clip(fromPath ?? context ?? 'request', 40);
  return { parameter, message: `${parameter}: ${sentenceFor(issue, parameter, schema)}` };
}

const SCHEMA_OF_CONTEXT = { querystring: 'querystring', params: 'params', headers: 'headers', body: 'body' };

/**
 * Fastify's own refusals (FST_ERR_*, Node's client errors) in our shape: a stable ERR_ code and our
 * sentence, never the library's text (which may quote the request).
 */
const HTTP_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'ERR_BAD_REQUEST', message: 'The request is malformed.' },
  404: { code: 'ERR_NOT_FOUND', message: 'Not found.' },
  405: { code: 'ERR_METHOD_NOT_ALLOWED', message: 'This method is not allowed here.' },
  406: { code: 'ERR_NOT_ACCEPTABLE', message: 'No acceptable representation.' },
  408: { code: 'ERR_REQUEST_TIMEOUT', message: 'The request took too long to arrive.' },
  413: {
    code: 'ERR_PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than this API accepts (64 KB).',
  },
  414: { code: 'ERR_URI_TOO_LONG', message: 'The URL is longer than this API accepts.' },
  415: {
    code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body has a content type this route does not accept; send application/json.',
  },
  431: {
    code: 'ERR_HEADERS_TOO_LARGE',
    message: 'The request headers are larger than this API accepts (8 KB in all).',
  },
};

/** The body of a client error by status, for Fastify's refusals and Node's. */
export function httpErrorBody(status: number): ErrorBody {
  const known = HTTP_ERRORS[status] ?? { code: 'ERR_BAD_REQUEST', message: 'The request was refused.' };
  return { error: { ...known } };
}

function fastifyRefusal(err: FastifyError, status: number): ErrorBody {
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.name === 'SyntaxError')
    return { error: { code: 'ERR_BAD_REQUEST', message: 'body: is not valid JSON.', parameter: 'body' } };
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return {
      error: {
        code: 'ERR_BAD_REQUEST',
        message: 'body: is empty but the content type says JSON; send a JSON body or no content type.',
        parameter: 'body',
      },
    };
  return httpErrorBody(status);
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
      const context = err.validationContext;
      const schema = context
        ? (request.routeOptions.schema as Record<string, unknown> | undefined)?.[
            SCHEMA_OF_CONTEXT[context as keyof typeof SCHEMA_OF_CONTEXT] ?? context
          ]
        : undefined;
      const { parameter, message } = describeValidation(err.validation, context, schema);
      return send(reply, 400, { error: { code: 'ERR_VALIDATION', message, parameter } });
    }
    if (!(err instanceof AppError) && err.validation) {
      const parameter = clip(err.validationContext ?? 'request', 40);
      return send(reply, 400, {
        error: { code: 'ERR_VALIDATION', message: `${parameter}: is not valid`, parameter },
      });
    }
    if (!(err instanceof AppError) && err.statusCode && err.statusCode < 500) {
      return send(reply, err.statusCode, fastifyRefusal(err, err.statusCode));
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
        message: `No route ${request.method} ${clip(request.url.split('?')[0]!)}`,
      },
    }),
  );
}

/**
 * Node's refusals before Fastify sees a request (headers over maxHeaderSize, a malformed request line,
 * a timeout) in the one error shape instead of Fastify's default body. Written on the socket: there is
 * no request or reply yet.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(httpErrorBody(status));
  if (socket.writable && socket.bytesWritten === 0) {
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[
      status
    ];
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Methods a path does not answer get a 405 with Allow, never the 404 "No route". */
const OTHER_METHODS = ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'] as const;

/**
 * Collects every route as it is declared; `finish()` then declares, for each path, the methods it does
 * not answer as a 405 naming the ones it does, and OPTIONS as a 204 naming them (RFC 9110 §9.3.7). A
 * CORS preflight from an allowed origin is answered before either, by @fastify/cors's hook; with CORS
 * off, its catch-all OPTIONS route would say "No route" for a path that has one. Routes, not a notFound
 * lookup: nothing is added to the work of a request that matches.
 */
export function answerOtherMethods(app: FastifyInstance): { finish: () => void } {
  const methods = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    const set = methods.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) set.add(m.toUpperCase());
    if (set.has('GET')) set.add('HEAD');
    methods.set(route.url, set);
  });
  return {
    finish: () => {
      for (const [url, set] of [...methods]) {
        const answersOptions = set.has('OPTIONS');
        const allow = [...new Set([...set, 'OPTIONS'])].sort().join(', ');
        if (!answersOptions) {
          app.options(url, { schema: { hide: true } }, (_request, reply) => {
            reply.header('allow', allow).code(204).send();
          });
        }
        const missing = OTHER_METHODS.filter((m) => !set.has(m));
        if (!missing.length) continue;
        app.route({
          method: [...missing],
          url,
          schema: { hide: true },
          handler: (request, reply) => {
            reply.header('allow', allow);
            return send(reply, 405, {
              error: {
                code: 'ERR_METHOD_NOT_ALLOWED',
                message: `${request.method} is not allowed on ${clip(url)}; use ${allow}.`,
              },
            });
          },
        });
      }
    },
  };
}
