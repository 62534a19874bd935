/** Mode switch (only when live signals exist), pairs filter, and the state of the live connection. */
import type { Mode } from '../api/contract.ts';
import { formatClock } from '../format.ts';
import type { StreamStatus } from '../live/stream.ts';
import { SignOut } from './SignOut.tsx';

const STATE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
} as const;

interface Props {
  readonly mode: Mode;
  readonly liveExists: boolean;
  readonly onMode: (mode: Mode) => void;
  readonly pairs: readonly string[];
  readonly pair: string | undefined;
  readonly onPair: (pair: string | undefined) => void;
  readonly status: StreamStatus;
}

export function Header({ mode, liveExists, onMode, pairs, pair, onPair, status }: Props) {
  return (
    <header className="header">
      <h1 className="brand">
        CryptoPulse <span className="brand-sub">signals</span>
      </h1>
      <div className="controls">
        {liveExists && (
          <fieldset className="segmented">
            <legend className="visually-hidden">Mode</legend>
            {(['paper', 'live'] as const).map((m) => (
              <button key={m} type="button" aria-pressed={mode === m} onClick={() => onMode(m)}>
                {m === 'paper' ? 'Paper' : 'Live'}
              </button>
            ))}
          </fieldset>
        )}
        <label className="pair-filter">
          <span>Pair</span>
          <select value={pair ?? ''} onChange={(e) => onPair(e.target.value || undefined)}>
            <option value="">All pairs</option>
            {pairs.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <output className={`conn conn-${status.state}`} aria-live="polite" data-testid="connection">
          <span className="dot" aria-hidden="true" />
          <span className="conn-state">{STATE_TEXT[status.state]}</span>
          {status.lastEventAt !== undefined && (
            <span className="conn-time">
              {' · last event '}
              <time dateTime={new Date(status.lastEventAt).toISOString()}>
                {formatClock(status.lastEventAt)}
              </time>
            </span>
          )}
        </output>
        <SignOut />
      </div>
    </header>
  );
}
