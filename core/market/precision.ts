/**
 * The markets' increments as the venue lists them, remembered when markets load, so every place that
 * shows a price (cards, tickers, fills, alerts, errors) prints it with the market's own decimals:
 * "64,123.45 USDT" where the venue ticks in cents, "65,000.0 USD" where it ticks in tenths. One process
 * talks to one venue, so a symbol names one market.
 */
import type { MarketInfo } from './market-data.ts';

const STEPS = new Map<string, { readonly priceStep: string; readonly amountStep: string }>();

export function rememberPrecision(markets: readonly MarketInfo[]): void {
  for (const m of markets) STEPS.set(m.symbol, { priceStep: m.priceStep, amountStep: m.amountStep });
}

/** The market's price increment ("0.01"), when its markets were loaded in this process. */
export function priceStepOf(symbol: string): string | undefined {
  return STEPS.get(symbol)?.priceStep;
}

/** Decimals of an increment: "0.01" → 2, "1" → 0, "1e-8" → 8. */
export function stepDecimals(step: string): number {
  const n = Number(step);
  if (!Number.isFinite(n) || n <= 0) return 2;
  const text = String(n);
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  return text.split('.')[1]?.length ?? 0;
}
