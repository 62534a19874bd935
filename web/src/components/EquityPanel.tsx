/** The equity curve with drawdown, from /v1/pnl. */
import { lazy, Suspense } from 'react';
import type { Mode } from '../api/contract.ts';
import { usePnl } from '../api/hooks.ts';
import { formatNumber, formatPct } from '../format.ts';
import type { Scheme } from '../theme.ts';
import { Notice } from './Notice.tsx';

const EquityChart = lazy(() => import('../charts/EquityChart.tsx'));

export function EquityPanel({ mode, scheme }: { mode: Mode; scheme: Scheme }) {
  const pnl = usePnl(mode);
  const points = pnl.data?.points ?? [];
  const last = points.at(-1);
  const worst = points.reduce((m, p) => Math.max(m, Math.abs(p.drawdownPct)), 0);
  return (
    <section className="panel equity" aria-labelledby="equity-title">
      <h2 id="equity-title">{mode === 'paper' ? 'Paper equity' : 'Live equity'}</h2>
      {last && (
        <p className="equity-summary">
          <span>
            Equity <strong>{formatNumber(last.equity)}</strong>
          </span>
          <span>
            Drawdown now <strong>{formatPct(-Math.abs(last.drawdownPct))}</strong>
          </span>
          <span>
            Max <strong>{formatPct(-worst)}</strong>
          </span>
        </p>
      )}
      {pnl.error && <Notice kind="error">Cannot load the equity curve: {pnl.error.message}</Notice>}
      {pnl.isLoading && <Notice kind="info">Loading the equity curve…</Notice>}
      {pnl.data && points.length === 0 && (
        <Notice kind="info">No equity points yet: the curve starts with the first closed signal.</Notice>
      )}
      {points.length > 0 && (
        <Suspense fallback={<Notice kind="info">Loading the chart…</Notice>}>
          <EquityChart points={points} scheme={scheme} />
        </Suspense>
      )}
    </section>
  );
}
