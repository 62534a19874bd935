/** GET a JSON route of the public API and validate it; every failure becomes an ApiError a person can read. */
import type * as z from 'zod/mini';
import { errorBodySchema } from './contract.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Seconds to wait, from Retry-After on 429/503. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function getJson<T>(path: string, schema: z.ZodMiniType<T>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError('The API does not answer (network error); retrying.', 0, 'ERR_NETWORK');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = errorBodySchema.safeParse(body);
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      parsed.success ? parsed.data.error.message : `The API answered HTTP ${res.status}.`,
      res.status,
      parsed.success ? parsed.data.error.code : 'ERR_HTTP',
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ApiError(`The API sent data this page does not understand${where}.`, res.status, 'ERR_SHAPE');
  }
  return parsed.data;
}

/**
 * A request that changes something (sign in, sign out): undefined when the API took it, otherwise the
 * sentence to show, from the API's error body or, with no answer at all, `offline`.
 */
export async function send(path: string, init: RequestInit, offline: string): Promise<string | undefined> {
  try {
    const res = await fetch(path, { ...init, headers: { ...init.headers, accept: 'application/json' } });
    if (res.ok) return undefined;
    const body = errorBodySchema.safeParse(await res.json().catch(() => undefined));
    return body.success ? body.data.error.message : `The API answered HTTP ${res.status}.`;
  } catch {
    return offline;
  }
}

/** A query string from defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
