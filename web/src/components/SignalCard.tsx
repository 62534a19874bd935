import { memo } from 'react';
/** One signal: its levels, why it fired, how old it is, and how it ended. Selecting it charts it. */
import type { Signal } from '../api/contract.ts';
import { age, formatDateTime, formatPct, formatPrice, formatR, riskReward } from '../format.ts';
import type { Highlight } from '../live/useLiveSignals.ts';

const STATUS_TEXT: Record<string, string> = {
  open: 'Open',
  target: 'Target hit',
  stop: 'Stopped out',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

interface Props {
  readonly signal: Signal;
  readonly digits: number;
  readonly now: number;
  readonly selected: boolean;
  readonly highlight: Highlight | undefined;
  readonly onSelect: (id: string) => void;
}

/** Memoised: a new arrival re-renders its own card, not the hundred before it. */
export const SignalCard = memo(function SignalCard({
  signal: s,
  digits,
  now,
  selected,
  highlight,
  onSelect,
}: Props) {
  const rr = riskReward(s);
  const price = (n: number) => formatPrice(n, digits);
  const outcome = s.exit ?? undefined;
  const tone = outcome?.r == null ? '' : outcome.r > 0 ? 'win' : outcome.r < 0 ? 'loss' : '';
  return (
    <li
      className={`card${selected ? ' selected' : ''}${highlight ? ` flash-${highlight}` : ''}`}
      data-signal-id={s.id}
      data-status={s.status}
    >
      <div className="card-head">
        <h3 className="card-title">
          <button
            type="button"
            className="card-select"
            aria-pressed={selected}
            onClick={() => onSelect(s.id)}
          >
            <span className={`side side-${s.side}`}>{s.side === 'long' ? 'Long' : 'Short'}</span>{' '}
            <span className="pair">{s.pair}</span>
          </button>
        </h3>
        <div className="badges">
          {s.mode === 'paper' ? (
            <span className="badge badge-paper">PAPER</span>
          ) : (
            <span className="badge badge-live">LIVE</span>
          )}
          {s.late && (
            <span className="badge badge-late" title="Back-filled after downtime; not announced as fresh">
              LATE
            </span>
          )}
          <span className={`status status-${s.status} ${tone}`} data-testid="status">
            {STATUS_TEXT[s.status] ?? s.status}
          </span>
        </div>
      </div>
      <dl className="levels">
        <div>
          <dt>Entry</dt>
          <dd>{price(s.entry)}</dd>
        </div>
        <div>
          <dt>Stop</dt>
          <dd className="down">{price(s.stopLoss)}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd className="up">
            {price(s.takeProfit)}
            {s.takeProfit1 != null && <span className="tp1">TP1 {price(s.takeProfit1)}</span>}
          </dd>
        </div>
        <div>
          <dt>
            <abbr title="Risk/reward">R:R</abbr>
          </dt>
          <dd>{rr === undefined ? '–' : `1:${rr.toFixed(2)}`}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd>{Math.round(s.confidence * 100)} %</dd>
        </div>
      </dl>
      <p className="reason">{s.reason}</p>
      <p className="card-foot">
        <time dateTime={s.time} title={formatDateTime(s.time)}>
          {age(s.time, now)}
        </time>
        {outcome && (
          <span className={`outcome ${tone}`} data-testid="outcome">
            {formatR(outcome.r)} · {formatPct(outcome.pnlPct)} · exit {price(outcome.price)}
          </span>
        )}
      </p>
    </li>
  );
});
