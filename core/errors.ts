/**
 * The typed error hierarchy. Each failure kind has one code, mapped here once to an HTTP status, to
 * whether a retry may help (the ccxt split between temporary and permanent failures), and to the
 * sentence a chat user sees. Adapters and the API render `userMessage`; logs record `code` and `details`.
 */

interface ErrorKind {
  readonly status: number;
  readonly retryable: boolean;
  /** What a person in chat reads. Must never contain secrets or internals. */
  readonly user: string;
}

export const ERROR_KINDS = {
  ERR_INTERNAL: {
    status: 500,
    retryable: false,
    user: 'Something went wrong on our side. Nothing was changed.',
  },
  ERR_UNAVAILABLE: {
    status: 503,
    retryable: true,
    user: 'A service we depend on is unavailable. Please try again shortly.',
  },
  ERR_NOT_AVAILABLE_YET: { status: 501, retryable: false, user: 'That is not available yet.' },
  ERR_VALIDATION: { status: 400, retryable: false, user: 'That input is not valid.' },
  ERR_NOT_FOUND: { status: 404, retryable: false, user: 'Not found.' },
  ERR_FORBIDDEN: { status: 403, retryable: false, user: 'You are not allowed to do that.' },
  ERR_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    user: 'This needs a valid API key: Authorization: Bearer <key>.',
  },
  ERR_RATE_LIMITED: { status: 429, retryable: true, user: 'Too many requests. Please slow down a little.' },
  ERR_UNKNOWN_SYMBOL: { status: 400, retryable: false, user: 'I do not know that market.' },
  ERR_INVALID_AMOUNT: { status: 400, retryable: false, user: 'That amount is not valid.' },
  ERR_EXCHANGE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    user: 'The exchange is not answering right now. Please try again.',
  },
  ERR_EXCHANGE_RATE_LIMITED: {
    status: 503,
    retryable: true,
    user: 'The exchange is rate-limiting us. Please try again in a moment.',
  },
  ERR_EXCHANGE_REJECTED: { status: 422, retryable: false, user: 'The exchange rejected the order.' },
  ERR_EXCHANGE_AUTH: {
    status: 422,
    retryable: false,
    user: 'The exchange refused your API keys. Please link them again.',
  },
  ERR_INSUFFICIENT_FUNDS: { status: 422, retryable: false, user: 'Insufficient balance for that order.' },
  ERR_ORDER_UNCERTAIN: {
    status: 503,
    retryable: true,
    user: 'The exchange did not confirm the order yet; checking before anything is retried.',
  },
  ERR_ORDER_EXPIRED: {
    status: 410,
    retryable: false,
    user: 'This proposal has expired. Ask again for a fresh quote.',
  },
  ERR_ORDER_STATE: { status: 409, retryable: false, user: 'That order can no longer be changed.' },
  ERR_NOT_OWNER: {
    status: 403,
    retryable: false,
    user: 'Only the person who asked for this order can confirm it.',
  },
  ERR_BAD_HANDLE: { status: 400, retryable: false, user: 'That button is not valid.' },
  ERR_RISK_LIMIT: { status: 422, retryable: false, user: 'That order is outside your risk limits.' },
  ERR_KILL_SWITCH: { status: 423, retryable: false, user: 'Trading is paused by the operator.' },
  ERR_LIVE_DISABLED: {
    status: 403,
    retryable: false,
    user: 'Live trading is not enabled. Orders run in paper mode.',
  },
  ERR_VAULT: {
    status: 500,
    retryable: false,
    user: 'Your exchange keys could not be read. Please link them again.',
  },
  ERR_LINK_CODE: { status: 400, retryable: false, user: 'That link code is invalid or expired.' },
  ERR_LLM_UNAVAILABLE: {
    status: 503,
    retryable: true,
    user: 'The assistant is not answering right now. Please try again shortly.',
  },
  ERR_BUDGET_EXCEEDED: {
    status: 429,
    retryable: false,
    user: 'You have used today’s assistant budget. It resets at midnight UTC.',
  },
  ERR_OUT_OF_SCOPE: { status: 400, retryable: false, user: 'I can’t help with that.' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

export interface AppErrorOptions {
  /** Replaces the generic user sentence with a more specific one (still safe to show). */
  readonly userMessage?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly details: Readonly<Record<string, unknown>>;
  private readonly userText: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details ?? {};
    this.userText = options.userMessage;
  }

  get retryable(): boolean {
    return ERROR_KINDS[this.code].retryable;
  }

  get httpStatus(): number {
    return ERROR_KINDS[this.code].status;
  }

  get userMessage(): string {
    return this.userText ?? ERROR_KINDS[this.code].user;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** Any thrown value as an AppError: unknown failures become ERR_INTERNAL and keep their cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('ERR_INTERNAL', message, { cause: err });
}

/** The user-facing text for any failure; never a stack trace. */
export function userMessageOf(err: unknown): string {
  return toAppError(err).userMessage;
}
