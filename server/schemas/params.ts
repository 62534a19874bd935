/**
 * Query and path parameters shared by the /v1 routes, as zod schemas: one definition validates the
 * request, types the handler and documents the parameter in OpenAPI. Messages say what a good value
 * looks like; the error handler prefixes the parameter's name.
 */
import { z } from 'zod';
import { STREAM_ID_PATTERN } from '../sse/stream-ids.ts';

export const modeParam = z
  .enum(['paper', 'live'], { error: 'must be paper or live' })
  .meta({ description: 'Track record: paper or live.', example: 'paper' });

/** `BTC/USD`, `btc-usd` and `BTC-USD` all mean the market `BTC/USD`. */
export const pairParam = z
  .string()
  .regex(/^[A-Za-z0-9]{2,10}[/-][A-Za-z0-9]{2,10}$/, 'must be a market such as BTC/USD or BTC-USD')
  .transform((v) => v.toUpperCase().replace('-', '/'))
  .meta({ description: 'Market, e.g. BTC/USD (BTC-USD also accepted).', example: 'BTC/USD' });

/** A whole number in [min, max] written in plain digits (no 1e3, no spaces, no sign). */
export function intParam(min: number, max: number, description: string) {
  return z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
    .meta({ description });
}

/** ISO 8601 with a zone (2026-01-12T00:35:00Z) or epoch milliseconds; the handler receives epoch ms. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const TIME_MESSAGE = 'must be an ISO 8601 time such as 2026-01-12T00:35:00Z, or epoch milliseconds';

export const timeParam = z
  .string()
  .check((ctx) => {
    const v = ctx.value;
    if (/^\d{1,15}$/.test(v) || (ISO_TIME.test(v) && !Number.isNaN(Date.parse(v)))) return;
    // An unencoded `+02:00` arrives as ` 02:00` (a + in a query string means a space).
    const plusAsSpace = / \d{2}:\d{2}$/.test(v) && ISO_TIME.test(v.replace(/ (\d{2}:\d{2})$/, '+$1'));
    ctx.issues.push({
      code: 'custom',
      input: v,
      message: plusAsSpace
        ? `${TIME_MESSAGE}; the + of its offset arrived as a space: write + as %2B (or use Z)`
        : TIME_MESSAGE,
    });
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)))
  .meta({ description: 'ISO 8601 time (2026-01-12T00:35:00Z) or epoch milliseconds.' });

export const streamIdParam = z
  .string()
  .regex(STREAM_ID_PATTERN, 'must be a stream id such as 1673481000000-0 (the id of an event)');
