/**
 * One SSE client. Entries reach it in stream order; while it replays history, live entries wait in a
 * bounded queue and are then sent only if newer than the last replayed id: no gap and no duplicate at
 * the seam. A client whose unsent bytes pass the bound is disconnected instead of buffered without end;
 * it resumes with Last-Event-ID.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { sseEventsSent, sseSlowClientsDropped } from '../../core/metrics.ts';
import type { HubEntry, HubStream } from './entry.ts';
import { compareStreamIds } from './stream-ids.ts';

export type EntryFilter = (entry: HubEntry) => boolean;

/** Live entries held while a replay runs; past this the client is treated as too slow. */
const MAX_PENDING = 10_000;
const DRAIN_POLL_MS = 5;

export class SseConnection {
  private replaying = true;
  private pending: HubEntry[] = [];
  private lastSentId: string | undefined;
  private closed = false;
  readonly done: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    readonly stream: HubStream,
    private readonly filter: EntryFilter,
    private readonly maxBuffered: number,
  ) {
    this.done = new Promise((resolve) => res.once('close', resolve)).then(() => {
      this.closed = true;
      this.pending = [];
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Control frames (retry, gap, heartbeat comments): no id, not filtered. */
  writeControl(frame: Buffer | string): void {
    if (!this.closed) this.write(typeof frame === 'string' ? Buffer.from(frame) : frame);
  }

  /** From the hub. */
  offerLive(entry: HubEntry): void {
    if (this.closed) return;
    if (!this.replaying) {
      this.send(entry, 'live');
      return;
    }
    if (this.pending.length >= MAX_PENDING) this.drop();
    else this.pending.push(entry);
  }

  /** From the replay. */
  sendReplayed(entry: HubEntry): void {
    this.send(entry, 'replay');
  }

  /** Treats `id` as already delivered (the client's Last-Event-ID). */
  markDelivered(id: string): void {
    this.lastSentId = id;
  }

  /**
   * Ends the replay: live entries queued meanwhile go out (those newer than the replay), at the pace
   * the socket drains; entries arriving during this flush queue behind them. Then everything is live.
   */
  async goLive(): Promise<void> {
    while (this.pending.length && !this.closed) {
      const queued = this.pending;
      this.pending = [];
      for (const entry of queued) {
        this.send(entry, 'live');
        await this.drained();
      }
    }
    this.replaying = false;
  }

  /**
   * Waits while the socket holds more than half the bound, so a replay or a flush never overflows it.
   * 'drain' fires only after a write() that returned false; below the stream's high-water mark the
   * buffer empties without an event, so that case is polled.
   */
  async drained(): Promise<void> {
    while (!this.closed && (this.res.writableNeedDrain || this.res.writableLength > this.maxBuffered / 2)) {
      const wait = this.res.writableNeedDrain
        ? once(this.res, 'drain')
        : new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      await Promise.race([wait, this.done]);
    }
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  private send(entry: HubEntry, phase: 'replay' | 'live'): void {
    if (this.closed) return;
    if (this.lastSentId !== undefined && compareStreamIds(entry.id, this.lastSentId) <= 0) return;
    this.lastSentId = entry.id;
    if (!this.filter(entry)) return;
    if (this.write(entry.frame)) sseEventsSent.inc({ stream: this.stream, phase });
  }

  private write(frame: Buffer): boolean {
    if (this.res.writableLength + frame.length > this.maxBuffered) {
      this.drop();
      return false;
    }
    this.res.write(frame);
    return true;
  }

  private drop(): void {
    if (this.closed) return;
    sseSlowClientsDropped.inc({ stream: this.stream });
    this.closed = true;
    this.pending = [];
    this.res.destroy();
  }
}
