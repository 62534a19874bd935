/**
 * The confirmation card, built by the core from the trading core's numbers, never from model text. It
 * says what the order will most likely do: a limit or a conditional order that the market already
 * satisfies fills now at about the market price, so the card estimates that fill, not the limit; a
 * resting one says where it waits. Then the balances and the share of the portfolio after the fill, and
 * a risk limit only when the order comes close to one.
 */
import { groupThousands } from '../../format/numbers.ts';
import { Decimal, dec } from '../../market/decimal.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import type { ProposalCard } from '../ports.ts';
import { formatAmount, formatMoney, formatPrice } from './numbers.ts';

const SIDE = { buy: 'Buy', sell: 'Sell' } as const;
const MODE = { paper: 'paper', live: '**LIVE**' } as const;
const baseOf = (symbol: string) => symbol.split('/')[0] ?? symbol;

/** How the order meets the market right now. */
export type CardOutlook =
  | { readonly kind: 'market' }
  | { readonly kind: 'fills_now'; readonly why: 'limit' | 'trigger' }
  | { readonly kind: 'rests'; readonly at: string }
  | { readonly kind: 'waits' };

export function outlook(p: ProposalCard): CardOutlook {
  const market = p.marketPrice === undefined ? undefined : dec(p.marketPrice);
  if (p.trigger) {
    const level = dec(p.trigger.price);
    const holds = market && (p.trigger.direction === 'above' ? market.gte(level) : market.lte(level));
    return holds && !p.limitPrice ? { kind: 'fills_now', why: 'trigger' } : { kind: 'waits' };
  }
  if (p.type === 'limit' && p.limitPrice) {
    const limit = dec(p.limitPrice);
    const crosses = market && (p.side === 'buy' ? limit.gte(market) : limit.lte(market));
    return crosses ? { kind: 'fills_now', why: 'limit' } : { kind: 'rests', at: p.limitPrice };
  }
  return { kind: 'market' };
}

function money(value: Decimal, currency: string): string {
  return formatMoney(value.toFixed(), currency);
}

export function proposalCard(p: ProposalCard, now = new Date()): string {
  const q = esc(p.quote);
  const base = esc(baseOf(p.symbol));
  const secs = Math.max(0, Math.round((p.expiresAt.getTime() - now.getTime()) / 1000));
  const view = outlook(p);
  const amount = dec(p.amount);
  const notional = dec(p.notional);
  const fee = dec(p.estimatedFee);
  const feeRate = notional.gt(0) ? fee.div(notional) : new Decimal(0);
  // The price the fill most likely happens at.
  const fillPrice = view.kind === 'fills_now' && p.marketPrice ? dec(p.marketPrice) : dec(p.price);
  const fillNotional = amount.mul(fillPrice);
  const fillFee = fillNotional.mul(feeRate);
  const kind = p.limitPrice ? `limit ${formatPrice(p.limitPrice, p.symbol)} ${q}` : 'market';
  const lines = [
    `**Confirm this order?** (${MODE[p.mode]}, ${esc(p.exchange)})`,
    `${SIDE[p.side]} **${formatAmount(p.amount)} ${base}** on ${esc(p.symbol)} · ${kind}`,
    ...(p.note ? [`_${esc(p.note)}_`] : []),
  ];
  if (p.trigger) {
    const when = `${base} goes ${p.trigger.direction} ${formatPrice(p.trigger.price, p.symbol)} ${q}`;
    lines.push(
      view.kind === 'fills_now'
        ? `The price is already ${p.trigger.direction} ${formatPrice(p.trigger.price, p.symbol)}: it triggers at once and fills at about the market price.`
        : `Waits until ${when}${p.limitPrice ? ', then places the limit order' : ', then fills at the market price'}.`,
    );
  } else if (view.kind === 'fills_now') {
    lines.push(
      `Your limit is ${p.side === 'buy' ? 'above' : 'below'} the market: it fills now at about the market price, not at the limit.`,
    );
  } else if (view.kind === 'rests') {
    lines.push(`It rests at ${formatPrice(view.at, p.symbol)} ${q} and fills when the price gets there.`);
  }
  const priceWord = view.kind === 'fills_now' || view.kind === 'market' ? 'Estimated fill' : 'At';
  lines.push(
    `${priceWord} ≈ ${formatPrice(fillPrice.toFixed(), p.symbol)} ${q} · total ≈ ${money(fillNotional, q)} · fee ≈ ${money(fillFee, q)}`,
  );
  const after = afterLine(p, fillNotional, fillFee, fillPrice);
  if (after) lines.push(after);
  lines.push(...(p.riskWarnings ?? []).map((n) => `_${esc(n)}_`));
  lines.push(`Order \`${p.orderId.slice(0, 8)}\` · expires in ${expiresIn(secs)}. Only you can confirm it.`);
  return lines.join('\n');
}

/**
 * One wording for the time left, whether the card is drawn at once or a moment later: minutes from a
 * minute up (119 s and 120 s both read "2 min"), seconds only in the last minute.
 */
export function expiresIn(secs: number): string {
  return secs >= 60 ? `${Math.round(secs / 60)} min` : `${secs} s`;
}

/** "After: 9,351.10 USDT · 0.01 BTC (6.5% of your portfolio)", with the balances moved to the likely fill. */
function afterLine(p: ProposalCard, fillNotional: Decimal, fillFee: Decimal, fillPrice: Decimal): string {
  if (!p.balanceAfter) return '';
  const quote = p.quote;
  const base = baseOf(p.symbol);
  const sign = p.side === 'buy' ? -1 : 1;
  // The core computed the balances at the card's own price; move them to the likely fill.
  const quoteAfter = dec(p.balanceAfter[quote] ?? 0)
    .add(fillNotional.sub(dec(p.notional)).mul(sign))
    .sub(fillFee.sub(dec(p.estimatedFee)));
  const baseAfter = dec(p.balanceAfter[base] ?? 0);
  const parts = [
    `${groupThousands(quoteAfter.toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2))} ${esc(quote)}`,
    `${formatAmount(baseAfter.toFixed())} ${esc(base)}`,
  ];
  let share = '';
  if (p.portfolioValue && dec(p.portfolioValue).gt(0)) {
    const equityAfter = dec(p.portfolioValue).sub(fillFee);
    const pct = baseAfter.mul(fillPrice).div(equityAfter).mul(100);
    share = ` (${esc(base)} would be ${pct.toDecimalPlaces(1).toFixed(1)}% of your portfolio)`;
  }
  return `After: ${parts.join(' · ')}${share}`;
}
