/** The strategy's record from /v1/performance. */
import type { Mode } from '../api/contract.ts';
import { usePerformance } from '../api/hooks.ts';
import { Notice } from './Notice.tsx';
import { StatsTable } from './StatsTable.tsx';

export function PerformancePanel({ mode }: { mode: Mode }) {
  const perf = usePerformance(mode);
  return (
    <section className="panel performance" aria-labelledby="perf-title">
      <h2 id="perf-title">Track record</h2>
      {perf.error && <Notice kind="error">Cannot load the track record: {perf.error.message}</Notice>}
      {perf.isLoading && <Notice kind="info">Loading the track record…</Notice>}
      {perf.data && perf.data.overall.closed === 0 && (
        <Notice kind="info">
          No closed signals yet: the record fills in as signals reach their target, stop or expiry.
        </Notice>
      )}
      {perf.data && perf.data.overall.signals > 0 && <StatsTable performance={perf.data} />}
    </section>
  );
}
