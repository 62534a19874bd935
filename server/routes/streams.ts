/** GET /v1/signals/stream and GET /v1/pnl/stream: Server-Sent Events with replay (SIGNALS.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../schemas/errors.ts';
import { modeParam, pairParam, streamIdParam } from '../schemas/params.ts';
import { type SseDeps, serveStream } from '../sse/serve.ts';

const resumeQuery = streamIdParam.optional().meta({
  description:
    'Resume after this event id on a first connection (EventSource sends the Last-Event-ID header on reconnects).',
  example: '1673481300000-0',
});

const resumeHeaders = z.looseObject({
  'last-event-id': streamIdParam.optional().meta({
    description: 'The id of the last event received; the server replays every later one, then goes live.',
  }),
});

const eventStream = (example: string) => ({
  description: 'text/event-stream: `retry:` once, `event: gap` when history was trimmed, then events.',
  content: { 'text/event-stream': { schema: z.string().meta({ example }) } },
});

const signalExample =
  'retry: 2000\n\nid: 1673481300000-0\nevent: signal\ndata: {"id":"bar_reaction_5m:BTC-USD:1673481000000","pair":"BTC/USD","side":"long",...}\n\n';
const equityExample =
  'retry: 2000\n\nid: 1673481300000-1\nevent: equity\ndata: {"time":"2023-01-12T00:40:00.000Z","equity":10012.5,"pnl":12.5,"drawdownPct":0,"open":0,"mode":"paper"}\n\n';

export function streamRoutes(deps: SseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/signals/stream',
      {
        schema: {
          tags: ['signals'],
          summary: 'Live signals and lifecycle changes (Server-Sent Events), resumable',
          description:
            'Carries the entries of `signals:<mode>`: `id:` the Redis stream id, `event:` `signal` or `lifecycle`, `data:` the signal JSON. A comment line every 15 s keeps proxies from closing the connection.',
          querystring: z.strictObject({
            mode: modeParam.default('paper'),
            pair: pairParam.optional(),
            lastEventId: resumeQuery,
          }),
          headers: resumeHeaders,
          response: { 200: eventStream(signalExample), ...commonErrors },
        },
      },
      async (request, reply) => {
        const { mode, pair, lastEventId } = request.query;
        await serveStream(deps, request, reply, {
          stream: mode === 'live' ? 'signals:live' : 'signals:paper',
          filter: pair ? (e) => e.pair === pair : () => true,
          lastEventId: request.headers['last-event-id'] ?? lastEventId,
        });
      },
    );

    app.get(
      '/v1/pnl/stream',
      {
        schema: {
          tags: ['pnl'],
          summary: 'Live equity points of the track record (Server-Sent Events), resumable',
          description: 'Carries the entries of `pnl:equity` as `event: equity`.',
          querystring: z.strictObject({ mode: modeParam.optional(), lastEventId: resumeQuery }),
          headers: resumeHeaders,
          response: { 200: eventStream(equityExample), ...commonErrors },
        },
      },
      async (request, reply) => {
        const { mode, lastEventId } = request.query;
        await serveStream(deps, request, reply, {
          stream: 'pnl:equity',
          filter: mode ? (e) => e.mode === mode : () => true,
          lastEventId: request.headers['last-event-id'] ?? lastEventId,
        });
      },
    );
  };
}
