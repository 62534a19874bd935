/** The track record of /v1/performance: overall first, then one row per pair. */
import type { Performance, Stats } from '../api/contract.ts';
import { formatNumber, formatPct, formatR, formatShare } from '../format.ts';

const COLUMNS: readonly { key: keyof Stats; label: string; show: (s: Stats) => string; wide?: boolean }[] = [
  { key: 'signals', label: 'Signals', show: (s) => String(s.signals) },
  { key: 'closed', label: 'Closed', show: (s) => String(s.closed), wide: true },
  { key: 'winRate', label: 'Win rate', show: (s) => formatShare(s.winRate) },
  { key: 'profitFactor', label: 'Profit factor', show: (s) => formatNumber(s.profitFactor) },
  { key: 'expectancyR', label: 'Expectancy', show: (s) => formatR(s.expectancyR) },
  { key: 'avgWinPct', label: 'Avg win', show: (s) => formatPct(s.avgWinPct), wide: true },
  { key: 'avgLossPct', label: 'Avg loss', show: (s) => formatPct(s.avgLossPct), wide: true },
  { key: 'returnPct', label: 'Return', show: (s) => formatPct(s.returnPct) },
  {
    key: 'maxDrawdownPct',
    label: 'Max DD',
    show: (s) => formatPct(s.maxDrawdownPct == null ? null : -Math.abs(s.maxDrawdownPct)),
  },
  { key: 'sharpe', label: 'Sharpe', show: (s) => formatNumber(s.sharpe), wide: true },
];

export function StatsTable({ performance }: { performance: Performance }) {
  const rows: [string, Stats][] = [
    ['All pairs', performance.overall],
    ...Object.entries(performance.byPair).sort(([a], [b]) => a.localeCompare(b)),
  ];
  return (
    <div className="table-wrap">
      <table className="stats">
        <caption className="visually-hidden">Track record overall and per pair</caption>
        <thead>
          <tr>
            <th scope="col">Pair</th>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" className={c.wide ? 'wide' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([pair, s]) => (
            <tr key={pair}>
              <th scope="row">{pair}</th>
              {COLUMNS.map((c) => (
                <td key={c.key} className={c.wide ? 'wide' : undefined}>
                  {c.show(s)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
