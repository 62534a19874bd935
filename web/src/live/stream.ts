/**
 * The live signal stream (GET /v1/signals/stream) with resume. The browser's EventSource already
 * reconnects with Last-Event-ID after a dropped connection; when it gives up (the server answered
 * with an error, e.g. 503 while it restarts) we open a new one with ?lastEventId= so the server still
 * replays everything we missed (SIGNALS.md: no gap, no duplicate).
 */
import { type Mode, type Signal, signalSchema } from '../api/contract.ts';
import { query } from '../api/http.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface StreamStatus {
  readonly state: ConnectionState;
  /** When the last entry (or the open) arrived, epoch ms. */
  readonly lastEventAt?: number | undefined;
}

export interface StreamHandlers {
  onSignal(signal: Signal, kind: 'signal' | 'lifecycle'): void;
  /** The server no longer holds the entries after our id: what we show may have holes; refetch. */
  onGap(): void;
  /** Each time the stream is (re)opened: a chance to refetch what a reconnection may have hidden. */
  onOpen?(): void;
  onStatus(status: StreamStatus): void;
}

/** Failing this long without a working connection counts as offline, not merely reconnecting. */
const OFFLINE_AFTER_MS = 30_000;
const MAX_BACKOFF_MS = 15_000;

export function openSignalStream(mode: Mode, handlers: StreamHandlers): () => void {
  let source: EventSource | undefined;
  let lastId: string | undefined;
  let lastEventAt: number | undefined;
  let failingSince: number | undefined;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let state: ConnectionState = 'connecting';

  const report = (next: ConnectionState) => {
    state = next;
    handlers.onStatus({ state, lastEventAt });
  };

  const failing = () => {
    failingSince ??= Date.now();
    const offline = !navigator.onLine || Date.now() - failingSince > OFFLINE_AFTER_MS;
    report(offline ? 'offline' : 'reconnecting');
  };

  const onEntry = (kind: 'signal' | 'lifecycle') => (ev: MessageEvent<string>) => {
    if (ev.lastEventId) lastId = ev.lastEventId;
    lastEventAt = Date.now();
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      console.warn('signal stream: an entry that is not JSON was ignored', ev.lastEventId);
      return;
    }
    const parsed = signalSchema.safeParse(data);
    if (!parsed.success) {
      console.warn('signal stream: an entry that is not a signal was ignored', ev.lastEventId);
      return;
    }
    handlers.onSignal(parsed.data, kind);
    if (state !== 'live') report('live');
    else handlers.onStatus({ state, lastEventAt });
  };

  const connect = () => {
    if (closed) return;
    const url = `/v1/signals/stream${query({ mode, lastEventId: lastId })}`;
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => {
      attempt = 0;
      failingSince = undefined;
      lastEventAt ??= Date.now();
      report('live');
      handlers.onOpen?.();
    });
    es.addEventListener('signal', onEntry('signal'));
    es.addEventListener('lifecycle', onEntry('lifecycle'));
    es.addEventListener('gap', (ev) => {
      if (ev.lastEventId) lastId = ev.lastEventId;
      handlers.onGap();
    });
    es.addEventListener('error', () => {
      if (closed) return;
      failing();
      // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: it gave up; we retry.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt++);
        timer = setTimeout(connect, delay);
      }
    });
  };

  const onOnline = () => {
    if (state === 'offline' || state === 'reconnecting') {
      clearTimeout(timer);
      source?.close();
      connect();
    }
  };
  const onOffline = () => report('offline');
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);

  report('connecting');
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
  };
}
