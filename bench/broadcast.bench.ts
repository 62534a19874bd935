/**
 * Broadcast (issue 15): signals to 500 subscriptions — 350 Telegram private chats, 50 Telegram groups,
 * 100 Discord channels — through the real grammY and discord.js REST clients to the project's fakes,
 * which enforce the platforms' limits (Telegram 30 msg/s per bot, 1/s per chat, 20/min per group;
 * Discord 50 req/s global, 5/s per channel). One broadcaster in this process, started (render thread
 * warm) before the first XADD.
 *
 * Printed per platform, all from the same run:
 * - XADD → delivered p50/p99 (the ledger's delivery time against the entry's stream id);
 * - the achieved rate two ways: including start-up (first XADD → last delivery: planning, the first
 *   chart, the first sends), and sustained (from the first message the fake accepted to the last:
 *   (n − 1) intervals over that span). An earlier version counted (n − limit) / span, the rate of a
 *   sender that bursts a whole first window at once; it scored a sender steadily at exactly the limit
 *   (as the spaced Discord gate is) at 87.5 % over 400 messages;
 * - every 429 the fakes answered (they refuse whatever exceeds a limit).
 */
import { loadavg } from 'node:os';
import setupTestDatabases from '../test/support/global-setup.ts';
import { appendSignal, makeSignal } from '../worker/broadcaster/testing/signals.ts';
import { startStage } from '../worker/broadcaster/testing/stage.ts';
import type { BenchRow } from './run.ts';
import { percentile } from './stats.ts';

export const title = 'Broadcast: XADD → delivered to 500 subscriptions, rate vs the platforms’ limits';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 4);
const TELEGRAM_DMS = 350;
const TELEGRAM_GROUPS = 50;
const DISCORD_CHANNELS = 100;
/** Messages per second each platform allows a bot in bulk (what the fakes enforce). */
const ALLOWED = { telegram: 30, discord: 50 } as const;

const pct = (rate: number, allowed: number) => `${((rate / allowed) * 100).toFixed(0)} % of ${allowed}/s`;

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
    const load = loadavg()[0]!;
    const total = SIGNALS * (TELEGRAM_DMS + TELEGRAM_GROUPS + DISCORD_CHANNELS);
    // The ledger and the fake Discord log on Date.now(), the fake Bot API on performance.now().
    const firstXadd = Date.now();
    const firstXaddMono = performance.now();
    for (let i = 0; i < SIGNALS; i++)
      await appendSignal(stage.ctx.redis, stage.ctx.keys, 'signal', makeSignal(i, 'BTC/USDT'));
    const deadline = Date.now() + 240_000;
    while ((await stage.ctx.db.signalDelivery.count({ where: { status: 'DELIVERED' } })) < total) {
      if (Date.now() > deadline) throw new Error('broadcast bench: deliveries did not finish in 240 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const rows = await stage.ctx.db.signalDelivery.findMany({
      select: { streamId: true, deliveredAt: true, subscription: { select: { platform: true } } },
    });
    const arrivals = {
      telegram: stage.telegram.state.attempts.filter((a) => a.accepted).map((a) => a.at),
      discord: stage.discord.state.requests
        .filter((r) => r.template === 'POST /channels/:id/messages' && r.status === 200)
        .map((r) => r.arrivedAt),
    };
    const base = { telegram: firstXaddMono, discord: firstXadd };
    const out: BenchRow[] = [
      {
        metric: 'deliveries',
        value: `${rows.length} / ${total}`,
        note: `${SIGNALS} signals × 500 subscriptions; load average ${load.toFixed(1)} at the start`,
      },
    ];
    for (const platform of ['telegram', 'discord'] as const) {
      const allowed = ALLOWED[platform];
      const mine = rows.filter((r) => r.subscription.platform === platform.toUpperCase());
      const latencies = mine.map((r) => r.deliveredAt!.getTime() - Number(r.streamId.split('-')[0]));
      const last = Math.max(...mine.map((r) => r.deliveredAt!.getTime()));
      const withStartup = mine.length / ((last - firstXadd) / 1000);
      const seen = arrivals[platform].sort((a, b) => a - b);
      const span = (seen.at(-1)! - seen[0]!) / 1000;
      const sustained = (seen.length - 1) / span;
      out.push(
        {
          metric: `${platform}: XADD → delivered p50 / p99`,
          value: `${(percentile(latencies, 50) / 1000).toFixed(2)} s / ${(percentile(latencies, 99) / 1000).toFixed(2)} s`,
          note: `${mine.length} messages`,
        },
        {
          metric: `${platform}: first XADD → first send`,
          value: `${((seen[0]! - base[platform]) / 1000).toFixed(2)} s`,
          note: 'planning and the first chart',
        },
        {
          metric: `${platform}: rate including start-up`,
          value: `${withStartup.toFixed(1)} msg/s`,
          note: `${pct(withStartup, allowed)}: first XADD → last delivery`,
        },
        {
          metric: `${platform}: sustained rate`,
          value: `${sustained.toFixed(1)} msg/s`,
          note: `${pct(sustained, allowed)} (goal ≥ 90 %): ${seen.length - 1} intervals, first → last accepted send`,
        },
      );
    }
    const refused = stage.telegram.state.attempts.filter((a) => !a.accepted).length;
    out.push(
      {
        metric: 'telegram 429 answers',
        value: String(refused),
        note: 'the fakes refuse what exceeds a limit',
      },
      { metric: 'discord 429 answers', value: String(stage.discord.state.limited.length) },
    );
    return out;
  } finally {
    await stage.close();
  }
}
