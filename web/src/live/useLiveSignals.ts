/**
 * The signal list as it stands: the REST page merged with the live stream. The stream opens first and
 * the page is (re)fetched once it is open, so a signal appended in between is in one or the other.
 * Freshly arrived signals and updated cards are remembered for a few seconds so they can be highlighted.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { Mode, Signal } from '../api/contract.ts';
import { performanceKey, pnlKey, useSignalPage } from '../api/hooks.ts';
import { mergeSignals } from './merge.ts';
import { openSignalStream, type StreamStatus } from './stream.ts';

const HIGHLIGHT_MS = 4_000;
/** Closing signals move equity and stats; refetch them at most this often. */
const REFRESH_STATS_MS = 5_000;

export type Highlight = 'new' | 'updated';

export interface LiveSignals {
  readonly signals: readonly Signal[];
  readonly loading: boolean;
  readonly error?: Error | undefined;
  readonly status: StreamStatus;
  readonly highlights: ReadonlyMap<string, Highlight>;
  /** The newest arrival, for the screen-reader announcement. */
  readonly announcement: string;
}

export function useLiveSignals(mode: Mode, pair: string | undefined): LiveSignals {
  const page = useSignalPage(mode, pair);
  const { mutate } = useSWRConfig();
  const [streamed, setStreamed] = useState<readonly Signal[]>([]);
  const [status, setStatus] = useState<StreamStatus>({ state: 'connecting' });
  const [highlights, setHighlights] = useState<ReadonlyMap<string, Highlight>>(new Map());
  const [announcement, setAnnouncement] = useState('');
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const revalidatePage = page.mutate;

  const highlight = useCallback((id: string, kind: Highlight) => {
    setHighlights((m) => new Map(m).set(id, kind));
    setTimeout(
      () =>
        setHighlights((m) => {
          const next = new Map(m);
          next.delete(id);
          return next;
        }),
      HIGHLIGHT_MS,
    );
  }, []);

  const refreshStats = useCallback(() => {
    if (statsTimer.current) return;
    statsTimer.current = setTimeout(() => {
      statsTimer.current = undefined;
      void mutate(pnlKey(mode));
      void mutate(performanceKey(mode));
    }, REFRESH_STATS_MS);
  }, [mutate, mode]);

  useEffect(() => {
    setStreamed([]);
    const close = openSignalStream(mode, {
      onSignal(signal, kind) {
        setStreamed((list) => mergeSignals(list, [signal], 200));
        highlight(signal.id, kind === 'signal' ? 'new' : 'updated');
        setAnnouncement(
          kind === 'signal'
            ? `New signal: ${signal.side} ${signal.pair} at ${signal.entry}`
            : `${signal.pair} signal is now ${signal.status}`,
        );
        if (kind === 'lifecycle') refreshStats();
      },
      onGap: () => void revalidatePage(),
      // Refetch on every open: the first fetch may have run before the stream listened (a signal
      // appended in between is then in neither), and after an outage it also catches what was trimmed.
      onOpen: () => void revalidatePage(),
      onStatus: setStatus,
    });
    return () => {
      close();
      clearTimeout(statsTimer.current);
      statsTimer.current = undefined;
    };
  }, [mode, highlight, refreshStats, revalidatePage]);

  const signals = useMemo(() => {
    const fromStream = pair ? streamed.filter((s) => s.pair === pair) : streamed;
    return mergeSignals(page.data?.items ?? [], fromStream);
  }, [page.data, streamed, pair]);

  return {
    signals,
    loading: page.isLoading,
    error: page.error,
    status,
    highlights,
    announcement,
  };
}
