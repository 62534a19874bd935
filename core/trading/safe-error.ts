/**
 * What of an error may be stored or logged. Exchange error text can quote whole request URLs with their
 * query strings (signatures, on some venues the API key): events, audit rows, the dead-letter queue and
 * logs get the error's code, its class and a message we wrote (`userMessage`), never the venue's text.
 */
import { type AppError, toAppError } from '../errors.ts';

export interface SafeError {
  readonly code: string;
  /** ccxt's error class when it came from the exchange (e.g. 'RequestTimeout'). */
  readonly errorClass?: string;
  readonly message: string;
}

export function safeError(err: unknown): SafeError {
  const e: AppError = toAppError(err);
  const errorClass = typeof e.details.ccxtError === 'string' ? e.details.ccxtError : undefined;
  const operation = typeof e.details.operation === 'string' ? e.details.operation : undefined;
  const exchange = typeof e.details.exchange === 'string' ? e.details.exchange : undefined;
  const where =
    exchange && operation ? ` (${exchange} ${operation}${errorClass ? `: ${errorClass}` : ''})` : '';
  return { code: e.code, ...(errorClass ? { errorClass } : {}), message: `${e.userMessage}${where}` };
}
