/**
 * The broadcaster end to end on a small scale, through the real grammY and discord.js clients against
 * the fakes: cards with their chart, lifecycle replies to the right card, each once and in order per
 * chat, filters applied, late signals not announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSignal, closed, makeSignal } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, expectedFor, observedDiscord, observedTelegram } from './testing/verify.ts';

describe('broadcaster: cards and lifecycle replies, once and in order', () => {
  let stage: BroadcastStage;
  beforeAll(async () => {
    stage = await startStage('bcsmall');
  });
  afterAll(async () => stage?.close());

  it('delivers every matching signal to Telegram and Discord chats exactly once', async () => {
    const guild = stage.discord.addGuild('Traders', ['signals', 'btc-only']);
    const subs = [
      { platform: 'telegram', chatId: '7001', chatKind: 'dm', filter: { pairs: [], minConfidence: 0 } },
      {
        platform: 'telegram',
        chatId: '-1001',
        chatKind: 'group',
        filter: { pairs: ['ETH'], minConfidence: 0 },
      },
      {
        platform: 'telegram',
        chatId: '-1002',
        chatKind: 'channel',
        filter: { pairs: [], minConfidence: 0.7 },
      },
      {
        platform: 'discord',
        chatId: guild.channels.signals!,
        chatKind: 'group',
        filter: { pairs: [], minConfidence: 0 },
      },
      {
        platform: 'discord',
        chatId: guild.channels['btc-only']!,
        chatKind: 'group',
        filter: { pairs: ['BTC/USDT'], minConfidence: 0 },
      },
    ] as const;
    for (const s of subs)
      await stage.subscribe(
        { platform: s.platform, chatId: s.chatId, chatKind: s.chatKind },
        { pairs: [...s.filter.pairs], minConfidence: s.filter.minConfidence },
      );
    await stage.start();
    const appended: Appended[] = [];
    const add = async (type: Appended['type'], signal: Appended['signal']) => {
      await appendSignal(stage.ctx.redis, stage.ctx.keys, type, signal);
      appended.push({ type, signal });
    };
    const pairs = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
    for (let i = 0; i < 9; i++) {
      const s = makeSignal(i, pairs[i % 3]!);
      await add('signal', s);
      if (i % 2 === 0) await add('lifecycle', closed(s, i % 4 === 0 ? 'target' : 'stop'));
    }
    await add('signal', makeSignal(20, 'BTC/USDT', { late: true }));
    const expected = subs.map((s) => expectedFor(appended, s.filter));
    const observe = () =>
      subs.map((s) =>
        s.platform === 'telegram'
          ? observedTelegram(stage.telegram, s.chatId)
          : observedDiscord(stage.discord, s.chatId),
      );
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline && observe().some((o, i) => o.sequence.length < expected[i]!.length))
      await new Promise((r) => setTimeout(r, 200));
    const observed = observe();
    for (const [i, o] of observed.entries()) {
      expect(o.sequence, `${subs[i]!.platform} ${subs[i]!.chatId}`).toEqual(expected[i]);
      expect(o.withoutImage).toBe(0);
      expect(o.badReplies).toBe(0);
    }
    expect(stage.telegram.state.attempts.filter((a) => !a.accepted)).toEqual([]);
    expect(stage.discord.state.limited).toEqual([]);
  });
});
