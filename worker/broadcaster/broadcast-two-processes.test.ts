/**
 * Two whole processes side by side, each `cryptopulse start --roles bots,broadcaster` (so two
 * broadcasters and two bot processes, Telegram and Discord bots in each) on the same stores and fakes:
 * every (signal, chat) arrives once and in order, and every order event the core's OWNER_DM table
 * marks (filled, failed, triggered) reaches its owner's DM once, on Telegram and on Discord; the
 * others (a lapsed proposal, submitted) are not DMed at all. The events go to one process of each platform's
 * consumer group (`notify:telegram`, `notify:discord`); signals to one broadcaster per chat lock.
 *
 * Real limits on both fakes (the CLI's outbox applies Telegram's own), so each chat gets few messages.
 * Before the feed renewed every entry of the batch it was working through (not only the one in hand),
 * the other process claimed the waiting ones and the owner was told twice (14 DMs for 12 events).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toldToOwner } from '../../core/broadcast/order-events.ts';
import { createIdentityService } from '../../core/identity/service.ts';
import { type OrderEventMessage, redisEventPublisher } from '../../core/trading/order-events.ts';
import { type CliRun, spawnCli } from '../../test/support/cli.ts';
import { appendMixed } from './testing/signals.ts';
import { type BroadcastStage, startStage } from './testing/stage.ts';
import { type Appended, exactlyOnceProblems, subscribeToEverything } from './testing/verify.ts';

const TYPES = [
  'order.submitted',
  'order.triggered',
  'order.filled',
  'order.failed',
  'order.expired',
] as const;
const ORDERS = 4;

function events(
  platform: 'telegram' | 'discord',
  userId: string,
  chatId: string | null,
): OrderEventMessage[] {
  return Array.from({ length: ORDERS }, (_, k) => {
    const base = {
      orderId: randomUUID(),
      userId,
      platform,
      chatId,
      mode: 'paper' as const,
      symbol: 'ETH/USDT',
      side: 'buy' as const,
      amount: `0.${k + 1}`,
      at: new Date().toISOString(),
    };
    return TYPES.map((type): OrderEventMessage => {
      switch (type) {
        case 'order.triggered':
          return { ...base, type, price: '3000' };
        case 'order.filled':
          return {
            ...base,
            type,
            filledAmount: base.amount,
            avgPrice: '3001',
            fee: '0.3',
            feeCurrency: 'USDT',
          };
        case 'order.failed':
          return { ...base, type, code: 'ERR_EXCHANGE', message: 'the venue refused it' };
        default:
          return { ...base, type };
      }
    });
  }).flat();
}

describe('two processes, each with the bots and the broadcaster', () => {
  let stage: BroadcastStage;
  const children: CliRun[] = [];
  beforeAll(async () => {
    stage = await startStage('bc2proc', { env: { LOG_LEVEL: 'info', NEWS_FEEDS: 'off' } });
  });
  afterAll(async () => {
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await stage?.close();
  });

  it('delivers each signal once per chat and notifies each order event once', async () => {
    const guild = stage.discord.addGuild('Both', ['a', 'b']);
    const subs = await subscribeToEverything(stage, {
      telegram: [
        ['8401', 'dm'],
        ['8402', 'dm'],
        ['-1008403', 'group'],
      ],
      discord: [guild.channels.a!, guild.channels.b!],
    });
    const identity = createIdentityService(stage.ctx);
    const telegramOwner = (await identity.resolveUser('telegram', '8499', 'tess')).userId;
    const dora = stage.discord.addUser('dora');
    const discordOwner = (await identity.resolveUser('discord', dora.id, 'dora')).userId;

    for (let i = 0; i < 2; i++) {
      const run = spawnCli(['start', '--roles', 'bots,broadcaster'], stage.env);
      children.push(run);
    }
    await Promise.all(children.map((c) => c.waitFor(/CryptoPulse is running/, 90_000)));

    const appended: Appended[] = [];
    await appendMixed(stage.ctx.redis, stage.ctx.keys, appended, 0, 6);
    const published = [...events('telegram', telegramOwner, null), ...events('discord', discordOwner, null)];
    await redisEventPublisher(stage.ctx.redis, stage.ctx.keys).publish(published);
    const dmed = published.filter((e) => toldToOwner(e));
    const expectedDms = (platform: string) => dmed.filter((e) => e.platform === platform).length;
    expect(expectedDms('telegram')).toBe(3 * ORDERS);

    const telegramDms = () => stage.telegram.messagesIn('8499');
    const discordDms = () => {
      const dm = stage.discord.state.dmChannelOf(dora.id);
      return dm ? stage.discord.state.channelMessages(dm.id) : [];
    };
    const delivered = () => stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } });
    const planned = subs.length * appended.length;
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      ((await delivered()) < planned ||
        telegramDms().length < expectedDms('telegram') ||
        discordDms().length < expectedDms('discord'))
    )
      await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate would arrive now

    expect(await exactlyOnceProblems(stage, subs, appended, [])).toEqual([]);
    // Each DMed event once: its order's amount and what happened, as the owner reads them.
    const telegramLines = telegramDms().map((m) => m.text);
    const logs = () =>
      children
        .flatMap((c) => c.output().split('\n'))
        .filter((l) => /"level":(40|50)|notif/.test(l))
        .join('\n');
    expect(telegramLines, `${telegramLines.join('\n')}\n${logs()}`).toHaveLength(expectedDms('telegram'));
    for (const what of [/Triggered/, /Filled/, /Not executed/])
      expect(telegramLines.filter((t) => what.test(t))).toHaveLength(ORDERS);
    const discordTitles = discordDms().map(
      (m) => ((m.body.embeds as { title?: string; description?: string }[] | undefined) ?? [])[0],
    );
    expect(discordTitles).toHaveLength(expectedDms('discord'));
    expect(new Set(discordDms().map((m) => JSON.stringify(m.body.embeds))).size).toBe(expectedDms('discord'));
    expect(new Set(telegramLines).size).toBe(expectedDms('telegram'));
    // Every limit held, the owner's DM included: both processes notify and broadcast as one bot, and
    // take their Telegram slots from the budget they share in Redis (before, each paced its own sends,
    // the DM drew 429s, and one notification was lost when its retries ran out).
    expect(stage.telegram.state.attempts.filter((a) => !a.accepted)).toEqual([]);
    expect(stage.discord.state.limited).toEqual([]);
  }, 180_000);
});
