/**
 * The portfolio and PnL as a trader reads them: cash next to positions, each position with amount,
 * average entry, value, unrealised PnL in money and percent and its share, and a total that is the sum
 * of the rows as shown (each row rounded to cents first, so the column adds up on screen). Fees are
 * fees: a buy costs a fee, it is not a realised loss.
 */
import { groupThousands } from '../../format/numbers.ts';
import { Decimal, dec } from '../../market/decimal.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import type { HoldingView, PnlView, PortfolioView } from '../ports.ts';
import { formatAmount, formatMoney, formatPercent, formatPrice, formatSignedMoney } from './numbers.ts';

const MODE = { paper: 'paper', live: '**LIVE**' } as const;
const PNL_MODE = { paper: 'Paper', live: 'LIVE' } as const;
const cents = (v: Decimal) => v.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);

interface Row {
  readonly asset: string;
  readonly amount: string;
  readonly avgEntry: string;
  readonly value?: Decimal;
  readonly pnl: string;
}

function positionRow(h: HoldingView, quote: string): Row {
  const value = h.value === undefined ? undefined : cents(dec(h.value));
  let pnl = '–';
  if (h.unrealizedPnl !== undefined && h.avgEntry !== undefined) {
    const cost = dec(h.avgEntry).mul(dec(h.quantity));
    const pct = cost.gt(0) ? dec(h.unrealizedPnl).div(cost).mul(100).toNumber() : 0;
    pnl = `${formatSignedMoney(h.unrealizedPnl, esc(quote))} (${formatPercent(pct)})`;
  }
  return {
    asset: esc(h.asset),
    amount: formatAmount(h.quantity),
    avgEntry: h.avgEntry === undefined ? '–' : formatPrice(h.avgEntry, `${h.asset}/${quote}`),
    ...(value === undefined ? {} : { value }),
    pnl,
  };
}

export function portfolioText(p: PortfolioView, asset?: string): string {
  const q = esc(p.quoteCurrency);
  if (asset) {
    const h = p.holdings.find((x) => x.asset === asset);
    if (asset === p.quoteCurrency && p.cash !== undefined)
      return `You have ${formatMoney(p.cash, q)} in cash (${MODE[p.mode]}).`;
    if (!h) return `You hold no ${esc(asset)} (${MODE[p.mode]}).`;
  }
  const shown = asset ? p.holdings.filter((h) => h.asset === asset) : p.holdings;
  const rows: Row[] = [];
  if (!asset && p.cash !== undefined) {
    rows.push({
      asset: `${q} (cash)`,
      amount: groupThousands(cents(dec(p.cash)).toFixed(2)),
      avgEntry: '–',
      value: cents(dec(p.cash)),
      pnl: '–',
    });
  }
  rows.push(...shown.map((h) => positionRow(h, p.quoteCurrency)));
  if (!rows.length) return `Your ${MODE[p.mode]} account holds nothing yet.`;
  // The total is the sum of what the rows show, so the column adds up exactly on screen.
  const total = rows.reduce((sum, r) => (r.value ? sum.add(r.value) : sum), new Decimal(0));
  const share = (v?: Decimal) =>
    v === undefined || total.isZero() ? '–' : `${v.div(total).mul(100).toDecimalPlaces(1).toFixed(1)}%`;
  const unpriced = rows.filter((r) => r.value === undefined).map((r) => r.asset);
  const title = asset
    ? `**${esc(asset)}** (${MODE[p.mode]})`
    : `**Portfolio** (${MODE[p.mode]}) · total ${formatMoney(total.toFixed(2), q)}`;
  return [
    title,
    '',
    '| Asset | Amount | Avg entry | Value | Unrealised PnL | Share |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.asset} | ${r.amount} | ${r.avgEntry} | ${r.value === undefined ? '–' : formatMoney(r.value.toFixed(2), q)} | ${r.pnl} | ${asset ? '–' : share(r.value)} |`,
    ),
    ...(unpriced.length ? ['', `_No price for ${unpriced.join(', ')}: not counted in the total._`] : []),
  ].join('\n');
}

/** What each period covers, in words. */
export const PNL_PERIOD_WORDS = {
  day: 'over the last 24 hours',
  week: 'over the last 7 days',
  month: 'over the last 30 days',
  all: 'since you started',
} as const;

export function pnlText(r: PnlView): string {
  const q = esc(r.quoteCurrency);
  // The trading core counts fees inside `realized`; a trader reads them apart: the result of sales, then fees.
  const fees = dec(r.fees);
  const onSales = dec(r.realized).add(fees);
  const total = dec(r.realized).add(dec(r.unrealized));
  return [
    // The mode leads ("Paper PnL …") so a window's own "(since Jan 1 2026 UTC)" is the only parenthesis.
    `**${PNL_MODE[r.mode]} PnL ${typeof r.period === 'object' ? esc(r.period.label) : PNL_PERIOD_WORDS[r.period]}**: ${formatSignedMoney(total.toFixed(), q)}`,
    `- realised on sales ${formatSignedMoney(onSales.toFixed(), q)}`,
    `- fees paid ${formatMoney(fees.neg().toFixed(), q)} over ${r.trades} trade${r.trades === 1 ? '' : 's'}`,
    `- unrealised (open positions, now) ${formatSignedMoney(r.unrealized, q)}`,
  ].join('\n');
}
