/**
 * Every open SSE connection of this process: the per-address cap, one heartbeat timer for all of them
 * (not one per client), and a clean end on shutdown so clients reconnect elsewhere.
 */
import { sseConnections } from '../../core/metrics.ts';
import type { SseConnection } from './connection.ts';

export const HEARTBEAT = Buffer.from(': keep-alive\n\n');

export interface SseRegistryOptions {
  readonly maxPerAddress: number;
  readonly heartbeatMs?: number;
}

export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly reason: 'cap' | 'closing' };

export class SseRegistry {
  private readonly connections = new Set<SseConnection>();
  private readonly perAddress = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly options: SseRegistryOptions) {
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs ?? 15_000);
    this.timer.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Reserves a slot for `address` before any work is done for it. */
  admit(address: string): Admission {
    if (this.closing) return { ok: false, reason: 'closing' };
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.options.maxPerAddress) return { ok: false, reason: 'cap' };
    this.perAddress.set(address, count + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left <= 0) this.perAddress.delete(address);
        else this.perAddress.set(address, left);
      },
    };
  }

  add(connection: SseConnection): void {
    this.connections.add(connection);
    sseConnections.inc({ stream: connection.stream });
    void connection.done.then(() => {
      this.connections.delete(connection);
      sseConnections.dec({ stream: connection.stream });
    });
  }

  /** Refuses new streams and ends the open ones; EventSource clients reconnect (elsewhere) by themselves. */
  closeAll(): void {
    this.closing = true;
    clearInterval(this.timer);
    for (const c of this.connections) c.end();
  }

  private heartbeat(): void {
    for (const c of this.connections) c.writeControl(HEARTBEAT);
  }
}
