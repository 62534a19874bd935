/** GET /v1/pnl (equity curve, evenly downsampled) and GET /v1/performance (track-record statistics). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { DEFAULT_EQUITY_POINTS, listEquity, performance } from '../../core/signals/store.ts';
import { compressedJson } from '../content-coding.ts';
import { badParameter } from '../errors.ts';
import { commonErrors } from '../schemas/errors.ts';
import { intParam, modeParam, pairParam, timeParam } from '../schemas/params.ts';
import { performanceOut, pnlOut } from '../schemas/signals.ts';

export const MAX_EQUITY_POINTS = 5_000;

export function pnlRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onSend', compressedJson());
    app.get(
      '/v1/pnl',
      {
        schema: {
          tags: ['pnl'],
          summary: 'Equity curve of the track record, evenly downsampled',
          description: 'Oldest first; at most `points` points, evenly spaced by index, first and last kept.',
          querystring: z.strictObject({
            mode: modeParam.default('paper'),
            since: timeParam.optional(),
            until: timeParam.optional(),
            points: intParam(
              1,
              MAX_EQUITY_POINTS,
              `At most this many points, 1–${MAX_EQUITY_POINTS} (default ${DEFAULT_EQUITY_POINTS}).`,
            ).optional(),
          }),
          response: { 200: pnlOut, ...commonErrors },
        },
      },
      async (request) => {
        const q = request.query;
        if (q.since !== undefined && q.until !== undefined && q.since > q.until) {
          throw badParameter('until', 'must not be before since');
        }
        const { mode, points } = await listEquity(db, q);
        return {
          mode,
          points: points.map(({ time, equity, drawdownPct }) => ({ time, equity, drawdownPct })),
        };
      },
    );

    app.get(
      '/v1/performance',
      {
        schema: {
          tags: ['pnl'],
          summary: 'Track-record statistics, overall, per pair and per side',
          querystring: z.strictObject({
            mode: modeParam.default('paper'),
            pair: pairParam.optional(),
            since: timeParam.optional(),
          }),
          response: { 200: performanceOut, ...commonErrors },
        },
      },
      async (request) => performance(db, request.query),
    );
  };
}
