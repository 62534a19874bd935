/** The dashboard: header, live signal cards, the selected signal's chart, equity and track record. */
import { useEffect, useMemo, useState } from 'react';
import type { Mode } from './api/contract.ts';
import { useEngineNote, useLiveExists, usePerformance } from './api/hooks.ts';
import { ApiError } from './api/http.ts';
import { ChartPanel } from './components/ChartPanel.tsx';
import { EquityPanel } from './components/EquityPanel.tsx';
import { Header } from './components/Header.tsx';
import { KeyPrompt } from './components/KeyPrompt.tsx';
import { PerformancePanel } from './components/PerformancePanel.tsx';
import { SignalList } from './components/SignalList.tsx';
import { pairDigits, viewerTimeZone } from './format.ts';
import { useLiveSignals } from './live/useLiveSignals.ts';
import { useScheme } from './theme.ts';

/** Mode, pair and selection live in the address, so a reload or a shared link shows the same view. */
function readUrl(): { mode: Mode; pair?: string; signal?: string } {
  const q = new URLSearchParams(window.location.search);
  return {
    mode: q.get('mode') === 'live' ? 'live' : 'paper',
    pair: q.get('pair') ?? undefined,
    signal: q.get('signal') ?? undefined,
  };
}

function writeUrl(state: { mode: Mode; pair?: string | undefined; signal?: string | undefined }): void {
  const q = new URLSearchParams();
  if (state.mode !== 'paper') q.set('mode', state.mode);
  if (state.pair) q.set('pair', state.pair);
  if (state.signal) q.set('signal', state.signal);
  const search = q.toString();
  window.history.replaceState(null, '', search ? `?${search}` : window.location.pathname);
}

export function App() {
  const initial = useMemo(readUrl, []);
  const [mode, setMode] = useState<Mode>(initial.mode);
  const [pair, setPair] = useState<string | undefined>(initial.pair);
  const [selectedId, setSelectedId] = useState<string | undefined>(initial.signal);
  const scheme = useScheme();
  const liveExists = useLiveExists();
  const live = useLiveSignals(mode, pair);
  const performance = usePerformance(mode);
  // /ready is asked only for the empty state: it answers 503 (a console error) while a store is down.
  const engineNote = useEngineNote(!live.loading && live.signals.length === 0);

  useEffect(() => writeUrl({ mode, pair, signal: selectedId }), [mode, pair, selectedId]);

  const pairs = useMemo(() => {
    const all = new Set(Object.keys(performance.data?.byPair ?? {}));
    for (const s of live.signals) all.add(s.pair);
    if (pair) all.add(pair);
    return [...all].sort();
  }, [performance.data, live.signals, pair]);

  // API_REQUIRE_KEY=true and no session yet: the data routes answer 401 until a key is given.
  const needsKey = [live.error, performance.error].some((e) => e instanceof ApiError && e.status === 401);

  // Until a card is chosen, the newest signal is the one charted.
  const selected = live.signals.find((s) => s.id === selectedId) ?? live.signals[0];

  return (
    <>
      <a className="skip" href="#signals-title">
        Skip to signals
      </a>
      <Header
        mode={mode}
        liveExists={liveExists || mode === 'live'}
        onMode={(m) => {
          setMode(m);
          setSelectedId(undefined);
        }}
        pairs={pairs}
        pair={pair}
        onPair={(p) => {
          setPair(p);
          setSelectedId(undefined);
        }}
        status={live.status}
      />
      {needsKey && (
        <main>
          <KeyPrompt />
        </main>
      )}
      <main className="layout" hidden={needsKey}>
        <SignalList
          live={live}
          mode={mode}
          pair={pair}
          selectedId={selected?.id}
          onSelect={setSelectedId}
          engineNote={engineNote}
        />
        <div className="aside-col">
          <ChartPanel
            signal={selected}
            digits={selected ? pairDigits(live.signals, selected.pair) : 2}
            scheme={scheme}
          />
          <EquityPanel mode={mode} scheme={scheme} />
          <PerformancePanel mode={mode} />
        </div>
      </main>
      <footer className="footer">
        <p>
          Times in {viewerTimeZone()}. {mode === 'paper' ? 'Paper signals: no real money moves. ' : ''}Not
          financial advice. Data from the public API (<a href="/docs">/docs</a>). Charts by{' '}
          <a href="https://www.tradingview.com/" rel="noopener">
            TradingView Lightweight Charts
          </a>
          .
        </p>
        <p className="visually-hidden" aria-live="polite">
          {live.announcement}
        </p>
      </footer>
    </>
  );
}
