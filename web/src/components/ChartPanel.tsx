/** The selected signal on its pair's 5m candles (the chart code loads on demand: it is most of the bytes). */
import { lazy, Suspense } from 'react';
import type { Signal } from '../api/contract.ts';
import { useCandles } from '../api/hooks.ts';
import { barsAround } from '../charts/bars.ts';
import { formatDateTime } from '../format.ts';
import type { Scheme } from '../theme.ts';
import { Notice } from './Notice.tsx';

const CandleChart = lazy(() => import('../charts/CandleChart.tsx'));

interface Props {
  readonly signal: Signal | undefined;
  readonly digits: number;
  readonly scheme: Scheme;
}

export function ChartPanel({ signal, digits, scheme }: Props) {
  const candles = useCandles(signal?.pair);
  const bars = signal && candles.data ? barsAround(candles.data.bars, signal) : [];
  return (
    <section className="panel chart-panel" aria-labelledby="chart-title">
      <h2 id="chart-title">
        {signal ? `${signal.pair} 5m around the ${signal.side} of ${formatDateTime(signal.time)}` : 'Chart'}
      </h2>
      {!signal && (
        <Notice kind="info">Select a signal to see its candles with entry, stop and target.</Notice>
      )}
      {signal && candles.error && (
        <Notice kind="error">
          Cannot load {signal.pair} candles: {candles.error.message}
        </Notice>
      )}
      {signal && candles.isLoading && <Notice kind="info">Loading {signal.pair} candles…</Notice>}
      {signal && candles.data && bars.length === 0 && (
        <Notice kind="info">
          The candles the API serves for {signal.pair} do not reach back to this signal (
          {formatDateTime(signal.candleTime)}).
        </Notice>
      )}
      {signal && bars.length > 0 && (
        <Suspense fallback={<Notice kind="info">Loading the chart…</Notice>}>
          <CandleChart bars={bars} signal={signal} digits={candles.data?.digits ?? digits} scheme={scheme} />
        </Suspense>
      )}
    </section>
  );
}
