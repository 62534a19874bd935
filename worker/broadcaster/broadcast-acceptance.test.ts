/**
 * Issue 15's end-to-end acceptance: 200 signals (150 of them later closed: target, stop or expired)
 * to 300 subscriptions — 130 Telegram private chats, 20 Telegram groups, a Telegram channel and 149
 * Discord channels in 5 servers — through the real grammY and discord.js clients against the fakes.
 * Every (signal, subscription) the filters let through is delivered exactly once, each chat's messages
 * in stream order, every card with its chart, every lifecycle reply answering the card of its own
 * signal; the fakes never had to refuse a message (no limit exceeded, so no 429 at all).
 *
 * Limits: Discord's are the real ones (50 requests/s for the bot, 5/s per channel). Telegram's are
 * Telegram's shape with every window half as long (1 message per 500 ms in a chat, 20 per 30 s in a
 * group or channel, 30 per 500 ms for the bot): the fake Bot API enforces exactly those, answering 429
 * beyond them, and the broadcaster's outbox is given the same, so the test halves Telegram's share of
 * the run and still proves the limits are kept.
 *
 * The signals are spread over the simulated venue's six pairs (its candles draw the charts), with
 * confidences in a shuffled ladder. Each subscription follows one pair with a minimum confidence that
 * lets through the top n of that pair's ~33 signals: one per pair takes them all (so every signal
 * reaches a chat, and those chats see closes interleaved with newer cards), a few take 12 or 6, the
 * rest 1 or 2. The channel takes the ten most confident of all pairs. One broadcaster, two chart
 * render threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../core/broadcast/dlq.ts';
import { appendSignal, closed, makeSignal } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import {
  type Appended,
  exactlyOnceProblems,
  expectedFor,
  observedDiscord,
  observedTelegram,
  type SubUnderTest,
} from './testing/verify.ts';

const TELEGRAM_HALF = {
  perChat: { max: 1, ms: 500 },
  perGroup: { max: 20, ms: 30_000 },
  global: { max: 30, ms: 500 },
};
const SIGNALS = 200;
const PAIRS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'DOGE/USDT'];
const OUTCOMES = ['target', 'stop', 'expired'] as const;

/**
 * Signal i: pair i mod 6, confidence from a shuffled ladder (0.50 … 0.99, never rising with time);
 * closed two signals later unless i ≡ 3 mod 4 (150 lifecycle entries: target, stop, expired in turn).
 */
function schedule(): Appended[] {
  const out: Appended[] = [];
  const signals = Array.from({ length: SIGNALS }, (_, i) =>
    makeSignal(i, PAIRS[i % PAIRS.length]!, {
      confidence: Number((0.5 + (0.49 * ((i * 7) % SIGNALS)) / (SIGNALS - 1)).toFixed(4)),
    }),
  );
  const close = (i: number) => {
    if (i % 4 !== 3) out.push({ type: 'lifecycle', signal: closed(signals[i]!, OUTCOMES[i % 3]!) });
  };
  for (const [i, s] of signals.entries()) {
    out.push({ type: 'signal', signal: s });
    if (i >= 2) close(i - 2);
  }
  close(SIGNALS - 2);
  close(SIGNALS - 1);
  return out;
}

/** The minimum confidence that lets exactly the `n` most confident of these signals through. */
function topN(signals: readonly Appended['signal'][], n: number): number {
  const sorted = signals.map((s) => s.confidence).sort((a, b) => b - a);
  return n >= sorted.length ? 0 : Number((sorted[n - 1]! - 0.0001).toFixed(4));
}

/** How many of its pair's signals the j-th follower of a pair takes. */
const takes = (j: number) => (j === 0 ? SIGNALS : j === 1 ? 12 : j < 4 ? 6 : 1 + (j % 2));

describe('broadcaster acceptance: 200 signals to 300 subscriptions', () => {
  let stage: BroadcastStage;
  beforeAll(async () => {
    stage = await startStage('bcaccept', { telegramLimits: TELEGRAM_HALF });
  });
  afterAll(async () => stage?.close());

  it('delivers every (signal, subscription) once, in order per chat, cards with charts, replies to their card, within the limits', async () => {
    const subs: SubUnderTest[] = [];
    const add = async (
      platform: 'telegram' | 'discord',
      chatId: string,
      chatKind: 'dm' | 'group' | 'channel',
      filter: { pairs: string[]; minConfidence: number },
    ) => {
      const id = await stage.subscribe({ platform, chatId, chatKind }, filter);
      subs.push({ id, platform, chatId, filter });
    };
    const appended = schedule();
    const cards = appended.filter((a) => a.type === 'signal').map((a) => a.signal);
    // 299 followers, the heaviest first, then the channel: 130 private chats, 20 groups, 149 Discord channels.
    const follows = Array.from({ length: 299 }, (_, x) => {
      const pair = PAIRS[x % PAIRS.length]!;
      const n = takes(Math.floor(x / PAIRS.length));
      return {
        pairs: [pair],
        minConfidence: topN(
          cards.filter((c) => c.pair === pair),
          n,
        ),
        n,
      };
    });
    const channels = Array.from({ length: 5 }, (_, g) =>
      Object.values(
        stage.discord.addGuild(
          `Server ${g}`,
          Array.from({ length: 30 }, (_, c) => `signals-${c}`),
        ).channels,
      ),
    ).flat();
    let dms = 0;
    let groups = 0;
    for (const [x, { n: _, ...filter }] of follows.entries()) {
      // The heavy followers alternate between Discord and Telegram private chats (a group's 20
      // messages per window would make them wait); the rest fill private chats, groups, then Discord.
      const heavy = x < 4 * PAIRS.length;
      if ((heavy && x % 2 === 1) || (!heavy && dms < 130)) {
        if (dms >= 130) throw new Error('too many private chats');
        await add('telegram', String(40_000 + dms++), 'dm', filter);
      } else if (!heavy && groups < 20)
        await add('telegram', String(-1_003_000_000_000 - groups++), 'group', filter);
      else await add('discord', channels.shift()!, 'group', filter);
    }
    await add('telegram', '-1003999999999', 'channel', { pairs: [], minConfidence: topN(cards, 10) });
    expect(subs).toHaveLength(300);

    expect(cards).toHaveLength(SIGNALS);
    expect(new Set(appended.filter((a) => a.type === 'lifecycle').map((a) => a.signal.status))).toEqual(
      new Set(OUTCOMES),
    );
    const expected = new Map(subs.map((s) => [s.id, expectedFor(appended, s.filter)]));
    const total = [...expected.values()].reduce((n, e) => n + e.length, 0);
    // Every signal reaches at least one chat; every chat receives something.
    const carded = new Set([...expected.values()].flat().filter((x) => x.startsWith('card ')));
    expect(carded.size).toBe(SIGNALS);
    expect([...expected.values()].every((e) => e.length > 0)).toBe(true);

    await stage.start({ chartWorkers: 2, telegramLimits: TELEGRAM_HALF });
    for (const a of appended) await appendSignal(stage.ctx.redis, stage.ctx.keys, a.type, a.signal);

    const delivered = () => stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } });
    const deadline = Date.now() + 150_000;
    while ((await delivered()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await delivered()).toBe(total);

    for (const s of subs) {
      const o =
        s.platform === 'telegram'
          ? observedTelegram(stage.telegram, s.chatId)
          : observedDiscord(stage.discord, s.chatId);
      const where = `${s.platform} ${s.chatId}`;
      expect(o.sequence, where).toEqual(expected.get(s.id));
      expect(o.withoutImage, where).toBe(0);
      expect(o.badReplies, where).toBe(0);
    }
    // The ledger agrees with what arrived; nothing dead-lettered.
    const deadLetters = await listDeadLetters(stage.ctx.redis, stage.ctx.keys, 100);
    expect(deadLetters).toEqual([]);
    expect(await exactlyOnceProblems(stage, subs, appended, deadLetters)).toEqual([]);
    // No limit exceeded: the fakes refuse (429) whatever would exceed one, and refused nothing.
    expect(stage.telegram.state.attempts.filter((a) => !a.accepted)).toEqual([]);
    expect(stage.discord.state.limited).toEqual([]);
    console.info(
      `[broadcast acceptance] ${total} messages: ` +
        `${subs.filter((s) => s.platform === 'telegram').reduce((n, s) => n + expected.get(s.id)!.length, 0)} Telegram, ` +
        `${subs.filter((s) => s.platform === 'discord').reduce((n, s) => n + expected.get(s.id)!.length, 0)} Discord; 0 × 429`,
    );
  }, 200_000);
});
