/**
 * Numbers as chat shows them. The formatting itself is core/format/numbers.ts (one home for every
 * surface); what chat adds is the market's own price decimals, from its price increment.
 */
import { formatPercent as formatPercentWith, formatPrice as formatPriceWith } from '../../format/numbers.ts';
import { priceStepOf, stepDecimals } from '../../market/precision.ts';

export {
  compact,
  formatAmount,
  formatMoney,
  formatSignedMoney,
} from '../../format/numbers.ts';

/**
 * 64123.5 → "64,123.50"; 0.0001234 → "0.0001234". With `symbol`, the decimals are that market's own
 * (its price increment), so a price reads as the venue quotes it.
 */
export function formatPrice(value: number | string, symbol?: string): string {
  const step = symbol ? priceStepOf(symbol) : undefined;
  return formatPriceWith(value, step ? stepDecimals(step) : undefined);
}

/** "+1.25%", "-0.50%": chat writes the minus as ASCII, as its money amounts do. */
export const formatPercent = (value: number): string => formatPercentWith(value, 2, '-');
