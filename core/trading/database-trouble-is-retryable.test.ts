/** A busy or unreachable database is a retryable ERR_UNAVAILABLE, never an order-killing ERR_INTERNAL. */
import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../errors.ts';
import { asServiceError } from './deps.ts';

describe('database trouble', () => {
  it.each(['P2028', 'P1001', 'P1017', 'P2024', 'P2034'])('%s becomes retryable ERR_UNAVAILABLE', (code) => {
    const mapped = toAppError(asServiceError(Object.assign(new Error('busy'), { code })));
    expect(mapped.code).toBe('ERR_UNAVAILABLE');
    expect(mapped.retryable).toBe(true);
  });

  it('leaves other failures alone', () => {
    const own = new AppError('ERR_NOT_OWNER', 'x');
    expect(asServiceError(own)).toBe(own);
    expect(toAppError(asServiceError(Object.assign(new Error('unique'), { code: 'P2002' }))).code).toBe(
      'ERR_INTERNAL',
    );
  });
});
