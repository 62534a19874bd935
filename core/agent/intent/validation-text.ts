/**
 * zod's issue messages ("Invalid option: expected one of…", "Too small: expected string to have >=8
 * characters") are for developers. A user gets one sentence about the field in their own words, and
 * the caller adds a correct example.
 */
import type { z } from 'zod';

const FIELD_WORDS: Readonly<Record<string, string>> = {
  api_key: 'the API key',
  secret: 'the API secret',
  symbol: 'the market',
  pair: 'the market',
  amount: 'the amount',
  price: 'the price',
  trigger: 'the trigger price',
  timeframe: 'the timeframe',
  period: 'the period',
  mode: 'the mode',
  action: 'the action',
  exchange: 'the exchange',
  order: 'the order id',
  id: 'the id',
};

const words = (path: readonly PropertyKey[]) => {
  const key = String(path.at(-1) ?? '');
  return FIELD_WORDS[key] ?? (key ? `"${key.replace(/_/g, ' ')}"` : 'that');
};

/** One plain sentence for a zod issue, e.g. 'the API key is too short (at least 8 characters)'. */
export function issueSentence(issue: z.core.$ZodIssue): string {
  const field = words(issue.path);
  switch (issue.code) {
    case 'invalid_value':
      return `${field} must be one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `${field} is too short (at least ${issue.minimum} characters)`
        : `${field} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${field} is too long (at most ${issue.maximum} characters)`
        : `${field} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'invalid_type':
      return issue.input === undefined ? `${field} is missing` : `${field} must be a ${issue.expected}`;
    case 'unrecognized_keys':
      return `I don't know the option${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    case 'invalid_format':
      // Our own formats carry a sentence ("must be a market symbol such as BTC or ETH/USDT").
      return /^must /.test(issue.message) ? `${field} ${issue.message}` : `${field} is not in the right form`;
    default:
      return /^(must|is) /.test(issue.message) ? `${field} ${issue.message}` : `${field} is not valid`;
  }
}
