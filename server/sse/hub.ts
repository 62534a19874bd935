/**
 * One blocking XREAD per API process over the three public streams, fanned out in memory to every
 * subscriber (SSE connections, the REST cache's invalidation). Clients never cost a Redis connection.
 *
 * It reads from explicit ids (never `$` after the first position), so entries appended while Redis
 * was unreachable are delivered in order once it is back.
 */
import type { Logger } from '../../core/logger.ts';
import { errorsTotal, sseStreamLag } from '../../core/metrics.ts';
import type { Redis, RedisKeys } from '../../core/redis.ts';
import { HUB_STREAMS, type HubEntry, type HubStream, toHubEntry } from './entry.ts';
import { streamIdTime } from './stream-ids.ts';

export type HubListener = (entry: HubEntry) => void;

export interface StreamHubOptions {
  /** XREAD BLOCK timeout; only bounds how quickly stop() is noticed when Redis is silent. */
  readonly blockMs?: number;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

export class StreamHub {
  private readonly listeners = new Map<HubStream, Set<HubListener>>(HUB_STREAMS.map((s) => [s, new Set()]));
  private readonly lastIds = new Map<HubStream, string>();
  private readonly byKey: ReadonlyMap<string, HubStream>;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readyPromise: Promise<void> | undefined;

  constructor(
    /** A dedicated connection: XREAD BLOCK holds it. The hub closes it on stop(). */
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly options: StreamHubOptions = {},
  ) {
    this.byKey = new Map(HUB_STREAMS.map((s) => [keys.stream(s), s]));
  }

  /** The reader's connection is up: a stream opened now would really be live. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  key(stream: HubStream): string {
    return this.keys.stream(stream);
  }

  /**
   * Resolves once the hub knows where each stream ends. A subscriber that replays from Redis must
   * subscribe after this, so that everything past its replay reaches it live.
   */
  ready(): Promise<void> {
    this.readyPromise ??= this.start().catch((err: unknown) => {
      this.readyPromise = undefined; // the next caller tries again
      throw err;
    });
    return this.readyPromise;
  }

  subscribe(stream: HubStream, listener: HubListener): () => void {
    const set = this.listeners.get(stream)!;
    set.add(listener);
    return () => set.delete(listener);
  }

  listenerCount(stream: HubStream): number {
    return this.listeners.get(stream)!.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.redis.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async start(): Promise<void> {
    for (const stream of HUB_STREAMS) {
      const last = (await this.redis.xrevrange(this.key(stream), '+', '-', 'COUNT', 1))[0]?.[0];
      this.lastIds.set(stream, last ?? '0-0');
    }
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const blockMs = this.options.blockMs ?? 5_000;
    while (!this.stopped) {
      try {
        const reply = (await this.redis.xread(
          'COUNT',
          1000,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...HUB_STREAMS.map((s) => this.key(s)),
          ...HUB_STREAMS.map((s) => this.lastIds.get(s)!),
        )) as XReadReply;
        if (reply) this.dispatch(reply);
      } catch (err) {
        if (this.stopped) return;
        errorsTotal.inc({ code: 'ERR_UNAVAILABLE', where: 'sse-hub' });
        this.logger.warn({ err }, 'stream hub read failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private dispatch(reply: NonNullable<XReadReply>): void {
    const now = Date.now();
    for (const [key, entries] of reply) {
      const stream = this.byKey.get(key);
      if (!stream || entries.length === 0) continue;
      const listeners = this.listeners.get(stream)!;
      for (const [id, fields] of entries) {
        sseStreamLag.observe({ stream }, Math.max(0, now - streamIdTime(id)) / 1000);
        const entry = toHubEntry(id, fields);
        for (const listener of listeners) {
          try {
            listener(entry);
          } catch (err) {
            this.logger.error({ err, stream }, 'stream listener failed');
          }
        }
      }
      this.lastIds.set(stream, entries[entries.length - 1]![0]);
    }
  }
}
