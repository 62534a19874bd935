/**
 * Two broadcasters (each with its own connections, consumer name and locks, as two processes have)
 * read the same streams: every (signal, chat) arrives exactly once and in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSignal, closed, makeSignal } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, expectedFor, observedDiscord, observedTelegram } from './testing/verify.ts';

describe('two broadcasters side by side', () => {
  let stage: BroadcastStage;
  beforeAll(async () => {
    stage = await startStage('bctwo');
  });
  afterAll(async () => stage?.close());

  it('never delivers twice and keeps each chat in order', async () => {
    const guild = stage.discord.addGuild('Pair', ['a', 'b']);
    const telegram = ['8301', '8302', '8303'];
    for (const chatId of telegram) await stage.subscribe({ platform: 'telegram', chatId, chatKind: 'dm' });
    const discord = [guild.channels.a!, guild.channels.b!];
    for (const chatId of discord) await stage.subscribe({ platform: 'discord', chatId, chatKind: 'group' });
    await Promise.all([stage.start(), stage.start()]);
    const appended: Appended[] = [];
    for (let i = 0; i < 8; i++) {
      const s = makeSignal(i, 'BTC/USDT');
      await appendSignal(stage.ctx.redis, stage.ctx.keys, 'signal', s);
      appended.push({ type: 'signal', signal: s });
      if (i % 2) {
        const c = closed(s, 'stop');
        await appendSignal(stage.ctx.redis, stage.ctx.keys, 'lifecycle', c);
        appended.push({ type: 'lifecycle', signal: c });
      }
    }
    const expected = expectedFor(appended, { pairs: [], minConfidence: 0 });
    const seen = () => [
      ...telegram.map((c) => observedTelegram(stage.telegram, c)),
      ...discord.map((c) => observedDiscord(stage.discord, c)),
    ];
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && seen().some((o) => o.sequence.length < expected.length))
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would arrive now
    for (const o of seen()) {
      expect(o.sequence).toEqual(expected);
      expect(o.badReplies).toBe(0);
      expect(o.withoutImage).toBe(0);
    }
  }, 60_000);
});
