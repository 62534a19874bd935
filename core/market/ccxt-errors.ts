/**
 * ccxt's error hierarchy to ours. ccxt splits failures into `OperationFailed` (the network, the venue is
 * busy: retry may help) and `ExchangeError` (the venue answered no: retrying the same request will not).
 * We keep that split (`AppError.retryable`) and add one fact the executor needs: whether a failed
 * createOrder may nevertheless have reached the exchange (`uncertain`), so it must look before retrying.
 */
import {
  AuthenticationError,
  BadSymbol,
  BaseError,
  DDoSProtection,
  ExchangeError,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  OperationFailed,
  OrderNotFound,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { AppError, type ErrorCode } from '../errors.ts';

interface Mapping {
  readonly code: ErrorCode;
  /** The request may have been executed even though we saw an error. */
  readonly uncertain: boolean;
}

function classify(err: BaseError): Mapping {
  // Most specific first: ccxt classes inherit from each other.
  if (err instanceof RateLimitExceeded || err instanceof DDoSProtection)
    return { code: 'ERR_EXCHANGE_RATE_LIMITED', uncertain: false };
  if (err instanceof RequestTimeout) return { code: 'ERR_EXCHANGE_UNAVAILABLE', uncertain: true };
  if (err instanceof NetworkError) return { code: 'ERR_EXCHANGE_UNAVAILABLE', uncertain: true };
  if (err instanceof OperationFailed) return { code: 'ERR_EXCHANGE_UNAVAILABLE', uncertain: true };
  if (err instanceof AuthenticationError) return { code: 'ERR_EXCHANGE_AUTH', uncertain: false };
  if (err instanceof InsufficientFunds) return { code: 'ERR_INSUFFICIENT_FUNDS', uncertain: false };
  if (err instanceof BadSymbol) return { code: 'ERR_UNKNOWN_SYMBOL', uncertain: false };
  if (err instanceof OrderNotFound) return { code: 'ERR_NOT_FOUND', uncertain: false };
  if (err instanceof InvalidOrder || err instanceof ExchangeError)
    return { code: 'ERR_EXCHANGE_REJECTED', uncertain: false };
  return { code: 'ERR_EXCHANGE_UNAVAILABLE', uncertain: true };
}

/** Any failure of a ccxt call as an AppError; non-ccxt failures (our bugs) stay ERR_INTERNAL. */
export function mapExchangeError(err: unknown, exchange: string, operation: string): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof BaseError)) {
    return new AppError('ERR_INTERNAL', `${exchange} ${operation}: ${String(err)}`, { cause: err });
  }
  const { code, uncertain } = classify(err);
  // ccxt messages can quote whole request URLs; keep them for logs, bounded, never for users.
  const message = `${exchange} ${operation} failed: ${err.name}: ${err.message.slice(0, 300)}`;
  return new AppError(code, message, {
    cause: err,
    details: { exchange, operation, ccxtError: err.name, uncertain },
  });
}

/** True when a failed call may have taken effect at the exchange (timeouts, dropped connections, 5xx). */
export function isUncertain(err: AppError): boolean {
  return err.details.uncertain === true;
}
