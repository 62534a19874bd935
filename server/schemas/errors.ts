/** The one error shape of SIGNALS.md, declared once for every route's documented failures. */
import { z } from 'zod';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().regex(/^ERR_[A-Z_]+$/),
      message: z.string(),
      /** Which query/path parameter or header was wrong (400 only). */
      parameter: z.string().optional(),
    }),
  })
  .meta({
    id: 'Error',
    description: 'Every failure: a stable code, a sentence for people, and the offending parameter on 400.',
    example: {
      error: {
        code: 'ERR_VALIDATION',
        message: 'limit: must be a whole number from 1 to 500',
        parameter: 'limit',
      },
    },
  });

export type ErrorBody = z.infer<typeof errorBodySchema>;

const described = (description: string) => errorBodySchema.describe(description);

/** Responses every /v1 route may give besides its own 200. */
export const commonErrors = {
  400: described('A parameter is not valid; `parameter` names it.'),
  401: described('API_REQUIRE_KEY is on, or the API key given is unknown or revoked.'),
  429: described('Rate limit passed; see Retry-After and X-RateLimit-*.'),
  503: described('A store (Postgres or Redis) is unavailable; see Retry-After.'),
} as const;
