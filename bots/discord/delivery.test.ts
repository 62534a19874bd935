/**
 * The broadcaster's path: 200 channel messages through the fake, which enforces Discord's global limit
 * (50 requests in any 1000 ms) and per-route buckets. Asserts on what the fake saw, never on time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignalView } from '../../core/agent/ports.ts';
import { createRedis } from '../../core/redis.ts';
import { startOwnRedis } from '../../core/trading/testing/own-redis.ts';
import { type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord/server.ts';
import type { RequestRecord } from '../../test/fakes/discord/state.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { type GlobalGate, RedisResponseWindowGate } from './redis-gate.ts';
import { createRest } from './rest.ts';
import { createSender } from './sender.ts';

const CHANNELS = 40;
const PER_CHANNEL = 5;

function signal(i: number): SignalView {
  return {
    id: `sig-${i}`,
    pair: 'BTC/USDT',
    side: i % 2 ? 'long' : 'short',
    entry: 30_000 + i,
    stopLoss: 29_500,
    takeProfit: 31_000,
    confidence: 0.7,
    reason: 'Bar reaction after a 5m close above the range',
    status: 'OPEN',
    openedAt: new Date(Date.UTC(2026, 0, 1)),
    mode: 'paper',
  };
}

/** Most requests counted against the global limit in any 1000 ms, from the fake's arrival log. */
function peakPerSecond(log: readonly RequestRecord[]): number {
  const times = log.filter((r) => !r.exempt && r.status !== 429).map((r) => r.at);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** 200 signals to 40 channels; with several gates, each is one process' REST client taking its share. */
async function broadcast(fake: FakeDiscord, ...gates: GlobalGate[]) {
  const guild = fake.addGuild(
    'Signals Inc',
    Array.from({ length: CHANNELS }, (_, i) => `signals-${i}`),
  );
  const senders = gates.map((gate) =>
    createSender(createRest({ token: fake.token, apiBase: fake.apiBase, gate })),
  );
  const sends = Object.values(guild.channels).flatMap((channelId, c) =>
    Array.from({ length: PER_CHANNEL }, (_, k) =>
      senders[c % senders.length]!.sendSignal(channelId, signal(c * PER_CHANNEL + k)),
    ),
  );
  const sent = await Promise.all(sends);
  const posts = fake.state.requests.filter((r) => r.template === 'POST /channels/:id/messages');
  const accepted = posts.filter((r) => r.status === 200);
  const seconds = (accepted.at(-1)!.at - accepted[0]!.at) / 1000;
  return { guild, sent, posts, accepted, seconds };
}

describe('Discord delivery within rate limits', () => {
  let fake: FakeDiscord | undefined;
  let gates: TestContext;
  beforeAll(async () => {
    gates = await createTestContext('dc_delivery');
  });
  afterAll(async () => gates?.close());
  afterEach(async () => fake?.close());
  /** The production gate (Redis), on a key of its own per test. */
  const newGate = () =>
    new RedisResponseWindowGate(gates.redis, gates.keys.key('discord', 'global', randomUUID()), {
      limit: 50,
      windowMs: 1000,
    });

  it('delivers 200 channel messages with no global or per-route limit exceeded', async () => {
    fake = await startFakeDiscord();
    const { guild, sent, accepted, seconds } = await broadcast(fake, newGate());
    expect(sent).toHaveLength(CHANNELS * PER_CHANNEL);
    for (const channelId of Object.values(guild.channels))
      expect(fake.state.channelMessages(channelId)).toHaveLength(PER_CHANNEL);
    expect(new Set(sent.map((s) => s.messageId)).size).toBe(CHANNELS * PER_CHANNEL);
    // Signal cards: coloured by side, the numbers as fields.
    const [first, second] = fake.state.channelMessages(Object.values(guild.channels)[0]!);
    expect(first?.body.embeds).toMatchObject([{ title: '🔴 SHORT BTC/USDT', color: 0xe74c3c }]);
    expect(second?.body.embeds).toMatchObject([
      {
        title: '🟢 LONG BTC/USDT',
        color: 0x2ecc71,
        fields: expect.arrayContaining([{ name: 'Entry', value: '30,001', inline: true }]),
      },
    ]);
    expect(fake.state.limited).toEqual([]);
    expect(peakPerSecond(fake.state.requests)).toBeLessThanOrEqual(50);
    // The first 50 may go at once, so the steady rate is what followed them over the span.
    const steady = (accepted.length - 50) / seconds;
    console.info(
      `[discord delivery] ${accepted.length} messages, first to last arrival ${seconds.toFixed(2)} s; ` +
        `peak ${peakPerSecond(fake.state.requests)} requests in any 1000 ms (allowed 50); ` +
        `steady ${steady.toFixed(1)} req/s of 50 allowed (${Math.round(steady * 2)}%); 0 × 429`,
    );
  });

  it('two processes sharing the token stay within the one global limit through the Redis gate', async () => {
    fake = await startFakeDiscord();
    const t: TestContext = await createTestContext('dc_gate');
    const [a, b] = [t.redis.duplicate(), t.redis.duplicate()];
    try {
      const key = t.keys.key('discord', 'global', fake.appId);
      const { sent, accepted, seconds } = await broadcast(
        fake,
        new RedisResponseWindowGate(a, key, { limit: 50, windowMs: 1000 }),
        new RedisResponseWindowGate(b, key, { limit: 50, windowMs: 1000 }),
      );
      expect(sent).toHaveLength(CHANNELS * PER_CHANNEL);
      expect(fake.state.limited).toEqual([]);
      expect(peakPerSecond(fake.state.requests)).toBeLessThanOrEqual(50);
      console.info(
        `[discord delivery] 2 processes, Redis gate: ${accepted.length} messages, peak ` +
          `${peakPerSecond(fake.state.requests)} in any 1000 ms, steady ${((accepted.length - 50) / seconds).toFixed(1)} req/s; 0 × 429`,
      );
    } finally {
      a.disconnect();
      b.disconnect();
      await t.close();
    }
  });

  it('Redis frozen: the gate paces this process alone within the limit instead of holding every request', async () => {
    fake = await startFakeDiscord();
    const own = await startOwnRedis();
    const redis = createRedis({ url: own.url, name: 'dc-gate-frozen' });
    const warnings: unknown[] = [];
    try {
      await redis.ping();
      // Accepts and never answers: the connection queues every command, as through an outage.
      own.freeze();
      const gate = new RedisResponseWindowGate(redis, 'dc-gate-frozen', {
        limit: 50,
        windowMs: 1000,
        askTimeoutMs: 200,
        onUnavailable: (err) => warnings.push(err),
      });
      const { sent, accepted } = await broadcast(fake, gate);
      expect(sent).toHaveLength(CHANNELS * PER_CHANNEL);
      expect(accepted).toHaveLength(CHANNELS * PER_CHANNEL);
      expect(fake.state.limited).toEqual([]);
      expect(peakPerSecond(fake.state.requests)).toBeLessThanOrEqual(50);
      // Told once (at most once a minute), not once per request.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ name: 'SlotsTimeoutError' });
    } finally {
      own.thaw();
      redis.disconnect();
      await own.close();
    }
  });

  it('measures discord.js alone (fixed-window global count): everything arrives, but only through 429s', async () => {
    fake = await startFakeDiscord();
    const unlimited: GlobalGate = { acquire: async () => () => {} };
    // discord.js' own global counter, as it is when nothing is put in front of it.
    const { sent, posts, accepted } = await broadcast(fake, unlimited);
    expect(sent).toHaveLength(CHANNELS * PER_CHANNEL);
    expect(accepted).toHaveLength(CHANNELS * PER_CHANNEL);
    const refused = posts.filter((r) => r.status === 429);
    console.info(
      `[discord delivery] discord.js alone: ${refused.length} × 429 ` +
        `(${refused.filter((r) => r.limited === 'global').length} global) to deliver ${accepted.length} messages`,
    );
  });

  it('waits out a 429 on a route for its retry_after, then retries once: delivered once, no early retry', async () => {
    fake = await startFakeDiscord();
    const channelId = fake.addGuild('Signals Inc', ['signals']).channels.signals!;
    const sender = createSender(
      createRest({
        token: fake.token,
        apiBase: fake.apiBase,
        gate: newGate(),
      }),
    );
    fake.limiter.force429('POST /channels/:id/messages', 0.4);
    const sent = await sender.sendSignal(channelId, signal(1));
    const posts = fake.state.requests.filter((r) => r.template === 'POST /channels/:id/messages');
    // A retry inside the 400 ms would have drawn a second 429 with reason "route".
    expect(posts.map((r) => [r.status, r.limited])).toEqual([
      [429, 'forced'],
      [200, undefined],
    ]);
    expect(fake.state.channelMessages(channelId).map((m) => m.id)).toEqual([sent.messageId]);
  });

  it('reports a channel that is gone as a permanent failure, so the broadcaster can dead-letter it', async () => {
    fake = await startFakeDiscord();
    const sender = createSender(
      createRest({
        token: fake.token,
        apiBase: fake.apiBase,
        gate: newGate(),
      }),
    );
    await expect(sender.sendSignal('123456789012345678', signal(1))).rejects.toMatchObject({
      name: 'DeliveryError',
      permanent: true,
      code: 10003,
    });
  });
});
