/** GET /v1/signals (filters, newest first, signed keyset cursor) and GET /v1/signals/:id. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { DEFAULT_PAGE, getSignal, listSignals, MAX_PAGE } from '../../core/signals/store.ts';
import { SIGNAL_SIDES, SIGNAL_STATUSES } from '../../core/signals/types.ts';
import { inAcceptedCoding, type Representations } from '../content-coding.ts';
import type { CursorSigner } from '../cursor.ts';
import { badParameter } from '../errors.ts';
import type { PageCache } from '../page-cache.ts';
import { commonErrors, errorBodySchema } from '../schemas/errors.ts';
import { intParam, modeParam, pairParam, timeParam } from '../schemas/params.ts';
import { signalOut, signalPageOut } from '../schemas/signals.ts';

export interface SignalRouteDeps {
  readonly db: Db;
  readonly cursors: CursorSigner;
  readonly pages: PageCache;
}

const listQuery = z.strictObject({
  mode: modeParam.default('paper'),
  pair: pairParam.optional(),
  side: z.enum(SIGNAL_SIDES, { error: 'must be long or short' }).optional(),
  status: z.enum(SIGNAL_STATUSES, { error: `must be one of ${SIGNAL_STATUSES.join(', ')}` }).optional(),
  since: timeParam.optional().meta({ description: 'Signals whose time is at or after this.' }),
  until: timeParam.optional().meta({ description: 'Signals whose time is at or before this.' }),
  limit: intParam(1, MAX_PAGE, `Page size, 1–${MAX_PAGE} (default ${DEFAULT_PAGE}).`).optional(),
  cursor: z
    .string()
    .max(400, 'is not a cursor this API returned')
    .optional()
    .meta({ description: '`nextCursor` of the previous page, with the same filters.' }),
});

const signalIdParam = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be a signal id such as bar_reaction_5m:BTC-USD:1673481000000')
  .meta({ example: 'bar_reaction_5m:BTC-USD:1673481000000' });

type ListQuery = z.output<typeof listQuery>;

/** The request's query string as sent: what `PageCache.peek` files a page under. */
function queryStringOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

/**
 * A page in the coding the request accepts (compressed once per cached page), or as it is. Bytes with
 * a JSON content type are sent as they are (already validated and serialized); Fastify sets their
 * content-length, and a HEAD gets the same headers with no body.
 */
function sendPage(request: FastifyRequest, reply: FastifyReply, page: Representations) {
  const body = inAcceptedCoding(request, reply, page);
  return reply.type('application/json; charset=utf-8').send(body as never);
}

/** What a cursor is bound to: every filter but the page size and the cursor itself. */
function scopeOf(q: ListQuery): string {
  return JSON.stringify([q.mode, q.pair ?? '', q.side ?? '', q.status ?? '', q.since ?? '', q.until ?? '']);
}

/** One page, validated against the schema the route documents and serialized once (then cached). */
async function renderPage(
  deps: SignalRouteDeps,
  q: ListQuery,
  inner: string | undefined,
  scope: string,
): Promise<Buffer> {
  let page: Awaited<ReturnType<typeof listSignals>>;
  try {
    page = await listSignals(deps.db, { ...q, cursor: inner });
  } catch (err) {
    // The signature held, so this is a store-side refusal of the cursor: still the caller's parameter.
    if (err instanceof AppError && err.code === 'ERR_VALIDATION')
      throw badParameter('cursor', 'is not valid');
    throw err;
  }
  const out = {
    items: page.items,
    nextCursor: page.nextCursor === null ? null : await deps.cursors.sign(page.nextCursor, scope),
  };
  return Buffer.from(JSON.stringify(signalPageOut.encode(out)));
}

export function signalRoutes(deps: SignalRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/signals',
      {
        schema: {
          tags: ['signals'],
          summary: 'Signals, newest first, filtered and paged',
          description:
            'Pages are keyset-based: a `nextCursor` stays correct while new signals arrive (they appear on page one, never shift later pages).',
          querystring: listQuery,
          response: { 200: signalPageOut, ...commonErrors },
        },
        // A query string answered before is answered again from its cached page, before parsing and
        // validating it anew (it passed, and would again); the hooks before this one (access, the rate
        // limit, headers) have run as for any request.
        preValidation: (request, reply, done) => {
          const page = deps.pages.peek(queryStringOf(request.url));
          if (page) sendPage(request, reply, page);
          else done();
        },
      },
      async (request, reply) => {
        const q = request.query;
        if (q.since !== undefined && q.until !== undefined && q.since > q.until) {
          throw badParameter('until', 'must not be before since');
        }
        const scope = scopeOf(q);
        const inner = q.cursor === undefined ? undefined : await deps.cursors.open(q.cursor, scope);
        const key = `${scope}|${q.limit ?? ''}|${inner ?? ''}`;
        // Pages after a cursor are not filed under their query string: the cursor is checked every time.
        const queryString = inner === undefined ? queryStringOf(request.url) : undefined;
        const page = await deps.pages.get(q.mode, key, () => renderPage(deps, q, inner, scope), queryString);
        return sendPage(request, reply, page);
      },
    );

    app.get(
      '/v1/signals/:id',
      {
        schema: {
          tags: ['signals'],
          summary: 'One signal by id, with its status and exit',
          params: z.strictObject({ id: signalIdParam }),
          querystring: z.strictObject({
            mode: modeParam.optional().meta({ description: 'paper or live; paper first when omitted.' }),
          }),
          response: {
            200: signalOut,
            404: errorBodySchema.describe('No signal has that id.'),
            ...commonErrors,
          },
        },
      },
      async (request) => {
        const signal = await getSignal(deps.db, request.params.id, request.query.mode);
        if (!signal) {
          throw new AppError('ERR_NOT_FOUND', 'unknown signal', {
            userMessage: `No signal ${request.params.id}.`,
          });
        }
        return signal;
      },
    );
  };
}
