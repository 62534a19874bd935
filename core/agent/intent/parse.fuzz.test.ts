/**
 * 10,000 random strings through the parser without its safety net: it must never throw, and whatever it
 * returns must be well-formed. An order intent is only ever a request for a proposal (the type has no
 * way to say "confirmed"); the agent-level fuzz in agent tests checks no order leaves PROPOSED.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseIntentStrict } from './parse.ts';

const positive = z.number().finite().positive();
const trigger = z.object({ direction: z.enum(['above', 'below', 'cross']), price: positive }).strict();
const IntentShape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('price'), symbols: z.array(z.string().min(1)).min(1).max(5) }).strict(),
  z
    .object({
      kind: z.literal('chart'),
      symbol: z.string().min(1),
      timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']).optional(),
      overlays: z.array(z.object({ kind: z.string() }).passthrough()),
      panes: z.array(z.object({ kind: z.string() }).passthrough()),
      theme: z.enum(['dark', 'light']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('order'),
      side: z.enum(['buy', 'sell']),
      symbol: z.string().regex(/^[A-Z][A-Z0-9]{1,9}(\/[A-Z0-9]{2,10})?$/),
      amount: z.discriminatedUnion('unit', [
        z.object({ unit: z.literal('base'), value: positive }),
        z.object({ unit: z.literal('quote'), value: positive }),
        z.object({ unit: z.literal('percent'), value: positive.max(100) }),
      ]),
      type: z.enum(['market', 'limit']),
      limitPrice: positive.optional(),
      trigger: trigger.optional(),
    })
    .strict()
    .refine((o) => (o.type === 'limit') === (o.limitPrice !== undefined)),
  z.object({ kind: z.literal('portfolio'), asset: z.string().optional() }).strict(),
  z.object({ kind: z.literal('pnl'), period: z.string().min(1).max(40).optional() }).strict(),
  z
    .object({
      kind: z.literal('account_chart'),
      what: z.enum(['equity', 'portfolio']),
      theme: z.enum(['dark', 'light']).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('orders'), open: z.boolean() }).strict(),
  z.object({ kind: z.literal('cancel'), ref: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('alert'), symbol: z.string().min(1), trigger }).strict(),
  z.object({ kind: z.literal('signals'), symbol: z.string().optional() }).strict(),
  z.object({ kind: z.literal('mode'), mode: z.enum(['paper', 'live']).optional() }).strict(),
  z.object({ kind: z.literal('help') }).strict(),
  z.object({ kind: z.literal('greeting') }).strict(),
  z.object({ kind: z.literal('memory_clear') }).strict(),
  z.object({ kind: z.literal('out_of_scope'), topic: z.string() }).strict(),
  z.object({ kind: z.literal('clarify'), topic: z.string(), question: z.string().min(10) }).strict(),
  z.object({ kind: z.literal('unknown') }).strict(),
]);

const VOCAB = [
  'buy',
  'sell',
  'btc',
  'eth',
  'sol',
  'doge',
  'near',
  'link',
  'xyz',
  'of',
  'my',
  'half',
  'all',
  'a',
  'if',
  'when',
  'below',
  'above',
  'dips',
  'hits',
  'at',
  '@',
  'limit',
  'for',
  'with',
  'each',
  'stop',
  'tp',
  '$',
  '€',
  '%',
  'usdt',
  'usd',
  'eur',
  'price',
  'chart',
  '1h',
  '4 hours',
  'ema',
  '20/50',
  'rsi',
  'cancel',
  'alert',
  'me',
  'orders',
  'pnl',
  'today',
  'portfolio',
  'market',
  'now',
  'and',
  'or',
  ',',
  '?',
  '!',
  '0',
  '0.5',
  '.5',
  '1,000',
  '1,5',
  '30k',
  '2.5k',
  '1m',
  '$100',
  '100$',
  '-3',
  '1e9',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '0x52908400098527886e0f7030069857d2e4169ee7',
  'withdraw',
  'send',
  'to',
  'api',
  'key',
];

const sentence = fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 14 }).map((w) => w.join(' '));
/** Trade-shaped sentences with random clauses, so the order grammar itself is fuzzed. */
const orderish = fc
  .tuple(
    fc.constantFrom('buy', 'sell', 'please buy', 'spend'),
    fc.constantFrom('0.5', '1', '$100', '100 usdt of', '25% of my', 'half my', '2.5k', 'a', '1,000', '0'),
    fc.constantFrom('btc', 'eth', 'doge', 'near', 'sol/usdt', 'xyz'),
    fc.array(fc.constantFrom(...VOCAB), { maxLength: 5 }),
  )
  .map(([verb, amount, coin, tail]) => [verb, amount, coin, ...tail].join(' '));

const anyString = fc.oneof(
  orderish,
  orderish,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  sentence,
  sentence,
  sentence,
);

describe('offline intent parser under random input', () => {
  it('never throws and always returns a well-formed intent (10,000 strings)', () => {
    let orders = 0;
    fc.assert(
      fc.property(anyString, (input) => {
        const intent = parseIntentStrict(input);
        const checked = IntentShape.safeParse(intent);
        if (!checked.success)
          throw new Error(`${JSON.stringify(input)} → ${JSON.stringify(intent)}: ${checked.error.message}`);
        if (intent.kind === 'order') orders++;
      }),
      { numRuns: 10_000, seed: Number(process.env.FUZZ_SEED ?? 20240601) },
    );
    // The grammar-shaped inputs reach the order path; otherwise this test would prove little.
    expect(orders).toBeGreaterThan(100);
  });

  it('reads only the start of a very long message, in bounded time', () => {
    const long = `buy 0.5 btc ${'and then some more words '.repeat(10_000)}`;
    expect(parseIntentStrict(long).kind).toBeDefined();
  });
});
