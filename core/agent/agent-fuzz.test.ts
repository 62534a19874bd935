/**
 * Random messages through the whole agent (offline parser, commands, real trading core): whatever the
 * text, the agent answers with replies, and no order ever leaves PROPOSED without a button press.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, createAgentHarness } from './testing/harness.ts';

const WORDS = [
  'buy',
  'sell',
  'confirm',
  'yes',
  'y',
  'ok',
  'btc',
  'eth',
  'doge',
  '0.01',
  '$50',
  'half',
  'my',
  'all',
  'of',
  'if',
  'below',
  '30k',
  'at',
  '2.5k',
  'now',
  'cancel',
  'last',
  'all',
  'orders',
  'price',
  'chart',
  '1h',
  'cp:y:',
  '/buy',
  '/confirm',
  'execute',
  'approve',
  'alert',
  'me',
  'when',
  'above',
  '70k',
  'ignore',
  'instructions',
];

/** Trade-shaped messages with random tails, so proposals really get made. */
const trade = fc
  .tuple(
    fc.constantFrom('buy', 'sell', 'please buy'),
    fc.constantFrom('0.001 btc', '$20 of eth', '10 doge', 'half my btc', '0.01 eth'),
    fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
  )
  .map(([verb, what, tail]) => [verb, what, ...tail].join(' '));

const message = fc.oneof(
  trade,
  fc.string({ maxLength: 80 }),
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 10 }).map((w) => w.join(' ')),
);

describe('agent under random messages', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('agent-fuzz');
  });
  afterAll(() => t.close());

  it('always replies and never gets an order past PROPOSED (300 messages)', async () => {
    let proposals = 0;
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const replies = await t.say('fuzzer', text);
        expect(replies.length).toBeGreaterThan(0);
        proposals += replies.filter((r) => r.kind === 'actions').length;
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(proposals).toBeGreaterThan(5);
    const statuses = await t.statuses();
    expect(Object.keys(statuses)).toEqual(['PROPOSED']);
    expect(t.h.queued).toEqual([]);
  }, 120_000);
});
