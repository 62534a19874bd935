/**
 * Faults at the platforms, through the real grammY and discord.js clients against the fakes:
 * intermittent 500s and 429s (with retry_after) are retried until delivered, once and in order; a
 * chat that answers 403 forever is paused, its admin told, its deliveries dead-lettered with the
 * reason (visible to `cryptopulse dlq list`), and the other chats are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../core/broadcast/dlq.ts';
import { spawnCli } from '../../test/support/cli.ts';
import { appendSignal, closed, makeSignal } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, expectedFor, observedDiscord, observedTelegram } from './testing/verify.ts';

const ALL = { pairs: [], minConfidence: 0 };
/**
 * Telegram's limits with every window a quarter as long, so the chats' messages are not paced at 1/s:
 * the fake still enforces them (and answers 429 beyond them) and the outbox applies the same ones.
 * The faults' own 429s keep Telegram's shortest retry_after (1 s).
 */
const TELEGRAM_QUARTER = {
  perChat: { max: 1, ms: 250 },
  perGroup: { max: 20, ms: 15_000 },
  global: { max: 30, ms: 250 },
};

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 25_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('broadcaster under platform faults', () => {
  let stage: BroadcastStage;
  beforeAll(async () => {
    stage = await startStage('bcfaults', { telegramLimits: TELEGRAM_QUARTER });
    await stage.start({ telegramLimits: TELEGRAM_QUARTER });
  });
  afterAll(async () => stage?.close());

  async function publish(n: number, offset: number): Promise<Appended[]> {
    const appended: Appended[] = [];
    for (let i = offset; i < offset + n; i++) {
      const s = makeSignal(i, i % 2 ? 'ETH/USDT' : 'BTC/USDT');
      await appendSignal(stage.ctx.redis, stage.ctx.keys, 'signal', s);
      appended.push({ type: 'signal', signal: s });
      if (i % 3 === 0) {
        const c = closed(s, 'target');
        await appendSignal(stage.ctx.redis, stage.ctx.keys, 'lifecycle', c);
        appended.push({ type: 'lifecycle', signal: c });
      }
    }
    return appended;
  }

  it('retries intermittent 500s and 429s until each delivery arrived once, in order', async () => {
    const guild = stage.discord.addGuild('Flaky', ['one', 'two']);
    const telegramChats = ['8101', '8102', '-1008103'];
    for (const chatId of telegramChats)
      await stage.subscribe({
        platform: 'telegram',
        chatId,
        chatKind: chatId.startsWith('-') ? 'group' : 'dm',
      });
    const discordChannels = [guild.channels.one!, guild.channels.two!];
    for (const chatId of discordChannels)
      await stage.subscribe({ platform: 'discord', chatId, chatKind: 'group' });
    let telegramCalls = 0;
    stage.telegram.fault = (method) => {
      if (method !== 'sendPhoto' && method !== 'sendMessage') return undefined;
      telegramCalls++;
      if (telegramCalls % 4 === 0)
        return { ok: false, error_code: 500, description: 'Internal Server Error' };
      if (telegramCalls % 7 === 0)
        return {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 1',
          parameters: { retry_after: 1 },
        };
      return undefined;
    };
    let discordCalls = 0;
    stage.discord.state.fault = (method, path) => {
      if (method !== 'POST' || !/^\/channels\/\d+\/messages$/.test(path)) return undefined;
      discordCalls++;
      return discordCalls % 4 === 0 ? { status: 502, body: { code: 0, message: 'Bad Gateway' } } : undefined;
    };
    stage.discord.limiter.force429('POST /channels/:id/messages', 1, 3);
    const appended = await publish(8, 0);
    const expected = expectedFor(appended, ALL);
    const seen = () => [
      ...telegramChats.map((c) => observedTelegram(stage.telegram, c)),
      ...discordChannels.map((c) => observedDiscord(stage.discord, c)),
    ];
    await until(
      'every chat complete',
      () => seen().every((o) => o.sequence.length >= expected.length),
      40_000,
    );
    for (const o of seen()) {
      expect(o.sequence).toEqual(expected);
      expect(o.withoutImage).toBe(0);
      expect(o.badReplies).toBe(0);
    }
    expect(telegramCalls).toBeGreaterThan(20);
    expect(stage.discord.state.requests.filter((r) => r.status === 502).length).toBeGreaterThan(2);
    expect(stage.discord.state.limited.filter((r) => r.limited === 'forced')).toHaveLength(3);
    expect(await listDeadLetters(stage.ctx.redis, stage.ctx.keys)).toEqual([]);
    stage.telegram.fault = undefined;
    stage.discord.state.fault = undefined;
  }, 60_000);

  it('pauses a chat that answers 403 forever, tells its admin, dead-letters its deliveries, and serves the rest', async () => {
    const guild = stage.discord.addGuild('Locked', ['open', 'locked']);
    const admin = stage.discord.addUser('admin');
    await stage.subscribe({ platform: 'telegram', chatId: '8201', chatKind: 'dm' });
    await stage.subscribe({
      platform: 'telegram',
      chatId: '-1008202',
      chatKind: 'group',
      adminPlatformUserId: '9001',
      chatTitle: 'Kicked group',
    });
    await stage.subscribe({ platform: 'discord', chatId: guild.channels.open!, chatKind: 'group' });
    await stage.subscribe({
      platform: 'discord',
      chatId: guild.channels.locked!,
      chatKind: 'group',
      adminPlatformUserId: admin.id,
      chatTitle: '#locked',
    });
    stage.telegram.fault = (method, p) =>
      String(p.chat_id) === '-1008202' && method.startsWith('send')
        ? { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the group chat' }
        : undefined;
    stage.discord.state.fault = (method, path) =>
      method === 'POST' && path === `/channels/${guild.channels.locked}/messages`
        ? { status: 403, body: { code: 50013, message: 'Missing Permissions' } }
        : undefined;
    const appended = await publish(4, 100);
    const expected = expectedFor(appended, ALL);
    await until(
      'healthy chats complete',
      () =>
        observedTelegram(stage.telegram, '8201').sequence.length >= expected.length &&
        observedDiscord(stage.discord, guild.channels.open!).sequence.length >= expected.length,
    );
    expect(observedTelegram(stage.telegram, '8201').sequence).toEqual(expected);
    expect(observedDiscord(stage.discord, guild.channels.open!).sequence).toEqual(expected);
    expect(stage.telegram.messagesIn('-1008202')).toEqual([]);
    expect(stage.discord.state.channelMessages(guild.channels.locked!)).toEqual([]);

    // Rows planned before the pause are dead-lettered; entries after it are not planned for a paused chat.
    await until('both refused chats paused and dead-lettered', async () => {
      const letters = await listDeadLetters(stage.ctx.redis, stage.ctx.keys, 100);
      const chats = new Set(letters.map((l) => l.chatId));
      return chats.has('-1008202') && chats.has(guild.channels.locked!);
    });
    const kicked = await stage.subscriptions.get('telegram', '-1008202');
    expect(kicked?.pausedReason).toMatch(/bot was kicked/);
    expect((await stage.subscriptions.get('discord', guild.channels.locked!))?.pausedReason).toMatch(
      /Missing Permissions/,
    );
    const letters = await listDeadLetters(stage.ctx.redis, stage.ctx.keys, 100);
    expect(letters.every((l) => /bot was kicked|Missing Permissions/.test(l.reason))).toBe(true);
    // The admins are told, once, in a DM.
    expect(stage.telegram.messagesIn('9001').map((m) => m.text)).toEqual([
      expect.stringMatching(/can no longer post signals in “Kicked group”: Forbidden: bot was kicked/),
    ]);
    const dm = stage.discord.state.dmChannelOf(admin.id);
    expect(dm && stage.discord.state.channelMessages(dm.id).map((m) => m.body.content)).toEqual([
      expect.stringMatching(/can no longer post signals in “#locked”.*Missing Permissions/),
    ]);
    // The operator sees them.
    const cli = spawnCli(['dlq', 'list', '--limit', '100'], stage.env);
    expect((await cli.exited).code, cli.output()).toBe(0);
    expect(cli.output()).toMatch(/telegram:-1008202 {2}card .*bot was kicked/);
  }, 60_000);
});
