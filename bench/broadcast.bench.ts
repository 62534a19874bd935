/**
 * Broadcast (issue 15): signals to 500 subscriptions — 350 Telegram private chats, 50 Telegram groups,
 * 100 Discord channels — through the real grammY and discord.js REST clients to the project's fakes,
 * which enforce the platforms' limits (Telegram 30 msg/s per bot, 1/s per chat, 20/min per group;
 * Discord 50 req/s global, 5/s per channel). Prints XADD → delivered p50/p99 per platform (from the
 * ledger's delivery times and the entries' stream ids) and the achieved rate as a share of the rate the
 * platform allows, measured in the same run. One broadcaster in this process.
 */
import setupTestDatabases from '../test/support/global-setup.ts';
import { appendSignal, makeSignal } from '../worker/broadcaster/testing/signals.ts';
import { startStage } from '../worker/broadcaster/testing/stage.ts';
import type { BenchRow } from './run.ts';
import { percentile } from './stats.ts';

export const title = 'Broadcast: XADD → delivered to 500 subscriptions, rate vs the platforms’ limits';

const SIGNALS = 2;
const TELEGRAM_DMS = 350;
const TELEGRAM_GROUPS = 50;
const DISCORD_CHANNELS = 100;
const ALLOWED = { telegram: 30, discord: 50 } as const;

export async function run(): Promise<readonly BenchRow[]> {
  await setupTestDatabases();
  const stage = await startStage('bench-bc');
  try {
    for (let i = 0; i < TELEGRAM_DMS; i++)
      await stage.subscribe({ platform: 'telegram', chatId: String(20_000 + i), chatKind: 'dm' });
    for (let i = 0; i < TELEGRAM_GROUPS; i++)
      await stage.subscribe({
        platform: 'telegram',
        chatId: String(-1_002_000_000_000 - i),
        chatKind: 'group',
      });
    for (let g = 0; g < DISCORD_CHANNELS / 10; g++) {
      const guild = stage.discord.addGuild(
        `Bench ${g}`,
        Array.from({ length: 10 }, (_, i) => `signals-${i}`),
      );
      for (const chatId of Object.values(guild.channels))
        await stage.subscribe({ platform: 'discord', chatId, chatKind: 'group' });
    }
    await stage.start();
    const total = SIGNALS * (TELEGRAM_DMS + TELEGRAM_GROUPS + DISCORD_CHANNELS);
    const firstXadd = Date.now();
    for (let i = 0; i < SIGNALS; i++)
      await appendSignal(stage.ctx.redis, stage.ctx.keys, 'signal', makeSignal(i, 'BTC/USDT'));
    const deadline = Date.now() + 180_000;
    while ((await stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } })) < total) {
      if (Date.now() > deadline) throw new Error('broadcast bench: deliveries did not finish in 180 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const rows = await stage.ctx.db.signalDelivery.findMany({
      select: { streamId: true, deliveredAt: true, subscription: { select: { platform: true } } },
    });
    const out: BenchRow[] = [
      {
        metric: 'deliveries',
        value: `${rows.length} / ${total}`,
        note: `${SIGNALS} signals × 500 subscriptions`,
      },
    ];
    for (const platform of ['telegram', 'discord'] as const) {
      const mine = rows.filter((r) => r.subscription.platform === platform.toUpperCase());
      const latencies = mine.map((r) => r.deliveredAt!.getTime() - Number(r.streamId.split('-')[0]));
      const last = Math.max(...mine.map((r) => r.deliveredAt!.getTime()));
      const rate = mine.length / ((last - firstXadd) / 1000);
      out.push(
        {
          metric: `${platform}: XADD → delivered p50 / p99`,
          value: `${(percentile(latencies, 50) / 1000).toFixed(2)} s / ${(percentile(latencies, 99) / 1000).toFixed(2)} s`,
          note: `${mine.length} messages`,
        },
        {
          metric: `${platform}: achieved rate`,
          value: `${rate.toFixed(1)} msg/s`,
          note: `${((rate / ALLOWED[platform]) * 100).toFixed(0)} % of the allowed ${ALLOWED[platform]}/s (goal ≥ 90 %)`,
        },
      );
    }
    const refused = stage.telegram.state.attempts.filter((a) => !a.accepted).length;
    out.push(
      {
        metric: 'telegram 429 answers',
        value: String(refused),
        note: 'the fake refuses what exceeds a limit',
      },
      { metric: 'discord 429 answers', value: String(stage.discord.state.limited.length) },
    );
    return out;
  } finally {
    await stage.close();
  }
}
