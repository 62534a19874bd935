/** Signal cards, newest first, with what is happening when there are none. */
import { useState } from 'react';
import type { Mode, Signal } from '../api/contract.ts';
import { pairDigits } from '../format.ts';
import type { LiveSignals } from '../live/useLiveSignals.ts';
import { useNow } from '../useNow.ts';
import { Notice } from './Notice.tsx';
import { SignalCard } from './SignalCard.tsx';

/** Cards shown at first and per "show more": a phone should not scroll past 100 cards to the charts. */
const PAGE = 20;

interface Props {
  readonly live: LiveSignals;
  readonly mode: Mode;
  readonly pair: string | undefined;
  readonly selectedId: string | undefined;
  readonly onSelect: (id: string) => void;
  /** Everything known about the engine, for the empty state. */
  readonly engineNote: string;
}

export function SignalList({ live, mode, pair, selectedId, onSelect, engineNote }: Props) {
  const now = useNow();
  const { signals } = live;
  const [shown, setShown] = useState(PAGE);
  const visible = signals.slice(0, Math.max(shown, signals.findIndex((s) => s.id === selectedId) + 1));
  return (
    <section className="panel signals" aria-labelledby="signals-title">
      <h2 id="signals-title">
        Signals <span className="count">{signals.length > 0 ? `(${signals.length})` : ''}</span>
      </h2>
      {live.error && signals.length === 0 && (
        <Notice kind="error">Cannot load signals: {live.error.message} The page retries by itself.</Notice>
      )}
      {live.loading && signals.length === 0 && !live.error && <Notice kind="info">Loading signals…</Notice>}
      {!live.loading && !live.error && signals.length === 0 && (
        <Notice kind="info">
          No {mode} signals{pair ? ` for ${pair}` : ''} yet: {engineNote} New ones appear here as they happen.
        </Notice>
      )}
      <ol className="cards" aria-label="Signals, newest first">
        {visible.map((s: Signal) => (
          <SignalCard
            key={s.id}
            signal={s}
            digits={pairDigits(signals, s.pair)}
            now={now}
            selected={s.id === selectedId}
            highlight={live.highlights.get(s.id)}
            onSelect={onSelect}
          />
        ))}
      </ol>
      {signals.length > visible.length && (
        <button type="button" className="more" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, signals.length - visible.length)} more of {signals.length - visible.length}
        </button>
      )}
    </section>
  );
}
