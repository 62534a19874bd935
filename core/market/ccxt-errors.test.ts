import {
  AuthenticationError,
  BadSymbol,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  OnMaintenance,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { isUncertain, mapExchangeError } from './ccxt-errors.ts';

describe('ccxt error mapping follows ccxt hierarchy', () => {
  it.each([
    [new RequestTimeout('t'), 'ERR_EXCHANGE_UNAVAILABLE', true, true],
    [new NetworkError('reset'), 'ERR_EXCHANGE_UNAVAILABLE', true, true],
    [new ExchangeNotAvailable('503'), 'ERR_EXCHANGE_UNAVAILABLE', true, true],
    [new OnMaintenance('m'), 'ERR_EXCHANGE_UNAVAILABLE', true, true],
    [new InvalidNonce('n'), 'ERR_EXCHANGE_UNAVAILABLE', true, true],
    [new RateLimitExceeded('429'), 'ERR_EXCHANGE_RATE_LIMITED', true, false],
    [new DDoSProtection('418'), 'ERR_EXCHANGE_RATE_LIMITED', true, false],
    [new AuthenticationError('key'), 'ERR_EXCHANGE_AUTH', false, false],
    [new PermissionDenied('perm'), 'ERR_EXCHANGE_AUTH', false, false],
    [new InsufficientFunds('funds'), 'ERR_INSUFFICIENT_FUNDS', false, false],
    [new BadSymbol('sym'), 'ERR_UNKNOWN_SYMBOL', false, false],
    [new OrderNotFound('nf'), 'ERR_NOT_FOUND', false, false],
    [new InvalidOrder('bad'), 'ERR_EXCHANGE_REJECTED', false, false],
    [new ExchangeError('no'), 'ERR_EXCHANGE_REJECTED', false, false],
  ])('%s → %s (retryable %s, uncertain %s)', (err, code, retryable, uncertain) => {
    const mapped = mapExchangeError(err, 'kraken', 'createOrder');
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(isUncertain(mapped)).toBe(uncertain);
    expect(mapped.userMessage).not.toContain('kraken createOrder');
  });

  it('keeps our own bugs fatal and internal', () => {
    const mapped = mapExchangeError(new TypeError('x is undefined'), 'binance', 'fetchTicker');
    expect(mapped.code).toBe('ERR_INTERNAL');
    expect(mapped.retryable).toBe(false);
  });
});
