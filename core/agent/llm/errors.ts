/** Model-server failures in plain words. The SDK has already retried what was worth retrying. */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { AppError, isAppError } from '../../errors.ts';

const FALLBACK = ' Commands such as /price btc or /buy 0.1 eth still work.';

function unavailable(
  message: string,
  userMessage: string,
  cause: unknown,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError('ERR_LLM_UNAVAILABLE', message, {
    userMessage: userMessage + FALLBACK,
    cause,
    details,
  });
}

export function llmFailure(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof RateLimitError)
    return unavailable(
      'model server 429',
      'The AI model is rate-limiting us right now. Please try again in a minute.',
      err,
      { status: 429 },
    );
  if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError)
    return unavailable('model server timeout', 'The AI model did not answer in time. Please try again.', err);
  if (err instanceof APIConnectionError)
    return unavailable(
      'model server unreachable',
      'I could not reach the AI model server. Please try again shortly.',
      err,
    );
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError)
    return unavailable(
      'model server refused credentials',
      'The AI model is not set up correctly on this server (the operator should check OPENAI_API_KEY).',
      err,
      { status: err.status },
    );
  if (err instanceof NotFoundError)
    return unavailable(
      'model not found',
      'The configured AI model was not found (the operator should check LLM_MODEL).',
      err,
      { status: 404 },
    );
  if (err instanceof InternalServerError)
    return unavailable(
      'model server 5xx',
      'The AI model server had an error. Please try again shortly.',
      err,
      { status: err.status },
    );
  if (err instanceof BadRequestError)
    return unavailable('model server 400', 'The AI model could not handle that request.', err, {
      status: 400,
    });
  if (err instanceof APIError)
    return unavailable(`model server ${err.status}`, 'The AI model server answered with an error.', err, {
      status: err.status,
    });
  return new AppError('ERR_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}
