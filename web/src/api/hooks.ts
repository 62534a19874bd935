/** The dashboard's requests through SWR: cached, deduplicated, retried with the server's Retry-After. */
import useSWR, { type SWRConfiguration } from 'swr';
import {
  type CandleSet,
  type CurrentSession,
  candlesSchema,
  currentSessionSchema,
  type Mode,
  type Performance,
  type Pnl,
  performanceSchema,
  pnlSchema,
  type SignalPage,
  signalPageSchema,
} from './contract.ts';
import { ApiError, getJson, query } from './http.ts';

/** Shared SWR settings: the stream keeps the page fresh, so no revalidation on every focus. */
export const swrConfig: SWRConfiguration = {
  revalidateOnFocus: false,
  dedupingInterval: 5_000,
  onErrorRetry(err, _key, _config, revalidate, { retryCount }) {
    if (err instanceof ApiError && (err.status === 400 || err.status === 404)) return;
    const wait = err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : 0;
    setTimeout(() => revalidate({ retryCount }), Math.max(wait, Math.min(30_000, 1_000 * 2 ** retryCount)));
  },
};

export const signalsKey = (mode: Mode, pair: string | undefined) =>
  `/v1/signals${query({ mode, pair, limit: 100 })}`;

export function useSignalPage(mode: Mode, pair: string | undefined) {
  return useSWR<SignalPage, ApiError>(signalsKey(mode, pair), (k: string) => getJson(k, signalPageSchema));
}

/** The session cookie's key, if the page signed in with one (API_REQUIRE_KEY=true installs). */
export function useCurrentSession() {
  return useSWR<CurrentSession, ApiError>('/v1/session', (k: string) => getJson(k, currentSessionSchema));
}

/** Whether the engine publishes live signals at all: the mode switch appears only then. */
export function useLiveExists(): boolean {
  const { data } = useSWR<SignalPage, ApiError>(
    `/v1/signals${query({ mode: 'live', limit: 1 })}`,
    (k: string) => getJson(k, signalPageSchema),
    { refreshInterval: 300_000 },
  );
  return (data?.items.length ?? 0) > 0;
}

export const pnlKey = (mode: Mode) => `/v1/pnl${query({ mode, points: 500 })}`;
export function usePnl(mode: Mode) {
  return useSWR<Pnl, ApiError>(pnlKey(mode), (k: string) => getJson(k, pnlSchema), {
    refreshInterval: 120_000,
  });
}

export const performanceKey = (mode: Mode) => `/v1/performance${query({ mode })}`;
export function usePerformance(mode: Mode) {
  return useSWR<Performance, ApiError>(performanceKey(mode), (k: string) => getJson(k, performanceSchema), {
    refreshInterval: 120_000,
  });
}

/** The 5m candles of a pair, the most recent `limit` of them. */
export function useCandles(pair: string | undefined, limit = 300) {
  return useSWR<CandleSet, ApiError>(
    pair ? `/v1/candles${query({ pair, timeframe: '5m', limit })}` : null,
    (k: string) => getJson(k, candlesSchema),
    { refreshInterval: 60_000 },
  );
}

/**
 * How far the engine has got, for the empty state, from the public /ready document (its shape beyond
 * `status` is not fixed by SIGNALS.md, so this looks for a candle count wherever the server puts it).
 */
export function useEngineNote(wanted: boolean): string {
  const { data } = useSWR<number | undefined>(
    wanted ? '/ready' : null,
    async (k: string) => {
      const res = await fetch(k, { headers: { accept: 'application/json' } });
      return candleCount(await res.json().catch(() => undefined));
    },
    { refreshInterval: 30_000 },
  );
  return data === undefined
    ? 'the engine has not published any in this mode.'
    : `the engine has processed ${data.toLocaleString()} candles.`;
}

export function candleCount(doc: unknown, depth = 0): number | undefined {
  if (!doc || typeof doc !== 'object' || depth > 4) return undefined;
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === 'number' && /^candles(processed)?$/i.test(k)) return v;
    const inner = candleCount(v, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
