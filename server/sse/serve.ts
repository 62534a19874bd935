/**
 * Serves one SSE connection: admission (per-address cap, shutdown), headers, `retry:`, subscription to
 * the hub *before* the replay (so nothing falls between replay and live), the optional gap, the replay,
 * then live entries until the client leaves or the process stops.
 *
 * Written here rather than with @fastify/sse or better-sse: fan-out writes one pre-built frame to many
 * sockets and must drop a client whose buffer passes a bound; both libraries format per client and wait
 * for each client's drain instead (README, "API").
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { sseRefused } from '../../core/metrics.ts';
import type { Redis } from '../../core/redis.ts';
import { whenConnected } from '../services.ts';
import { type EntryFilter, SseConnection } from './connection.ts';
import type { HubStream } from './entry.ts';
import type { StreamHub } from './hub.ts';
import type { SseRegistry } from './registry.ts';
import { gapFrame, planResume, replay } from './replay.ts';

/** What EventSource waits before reconnecting (after a restart, or a slow client's drop). */
export const RETRY_MS = 2_000;
const READY_TIMEOUT_MS = 3_000;

export interface SseDeps {
  readonly hub: StreamHub;
  readonly registry: SseRegistry;
  /** Fail-fast connection for replay reads: a Redis outage answers 503 instead of hanging. */
  readonly redis: Redis;
  readonly maxBufferedBytes: number;
}

export interface StreamRequest {
  readonly stream: HubStream;
  readonly filter: EntryFilter;
  readonly lastEventId: string | undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('ERR_UNAVAILABLE', 'stream hub not ready')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function serveStream(
  deps: SseDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  wanted: StreamRequest,
): Promise<void> {
  if (request.method === 'HEAD') {
    // HEAD is GET without the content (RFC 9110 §9.3.2): the stream's headers at once, no stream held
    // open, no connection counted against the per-address cap.
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    reply.raw.end();
    return;
  }
  const admission = deps.registry.admit(request.ip);
  if (!admission.ok && admission.reason === 'closing') {
    // A 503 would make EventSource give up for good; an ended stream makes it retry (elsewhere).
    sseRefused.inc({ reason: 'closing' });
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    reply.raw.end(`retry: ${RETRY_MS}\n\n`);
    return;
  }
  if (!admission.ok) {
    sseRefused.inc({ reason: 'cap' });
    reply.header('retry-after', 30);
    throw new AppError('ERR_RATE_LIMITED', 'sse per-address cap', {
      userMessage: 'Too many open streams from this address; close one and retry.',
    });
  }
  let plan: Awaited<ReturnType<typeof planResume>> | undefined;
  const key = deps.hub.key(wanted.stream);
  try {
    await withTimeout(deps.hub.ready(), READY_TIMEOUT_MS);
    // A stream opened while the hub cannot read would look live and stay silent; refuse it instead
    // (EventSource clients retry; the dashboard reopens with ?lastEventId=, so nothing is missed).
    if (!deps.hub.connected) throw new AppError('ERR_UNAVAILABLE', 'stream hub disconnected');
    if (wanted.lastEventId) plan = await planResume(await whenConnected(deps.redis), key, wanted.lastEventId);
  } catch (err) {
    admission.release();
    const message = err instanceof Error ? err.message : String(err);
    throw err instanceof AppError && err.code !== 'ERR_UNAVAILABLE'
      ? err
      : new AppError('ERR_UNAVAILABLE', `stream unavailable: ${message}`, {
          cause: err,
          userMessage:
            'The live stream needs Redis, which is not reachable right now; retry in a few seconds.',
        });
  }

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  const conn = new SseConnection(res, wanted.stream, wanted.filter, deps.maxBufferedBytes);
  const unsubscribe = deps.hub.subscribe(wanted.stream, (entry) => conn.offerLive(entry));
  deps.registry.add(conn);
  void conn.done.then(() => {
    unsubscribe();
    admission.release();
  });
  conn.writeControl(`retry: ${RETRY_MS}\n\n`);
  try {
    if (plan?.gap) conn.writeControl(gapFrame(plan.gap));
    if (plan) await replay(deps.redis, key, plan.after, conn);
    await conn.goLive();
  } catch (err) {
    // Headers are out: the only honest signal left is to end the stream; the client resumes.
    request.log.warn({ err }, 'stream replay failed; closing');
    res.destroy();
  }
}
