/**
 * Discord (issue 7): how long a slash command waits for its acknowledgement, against the 3 s Discord
 * allows before the interaction is gone. The real discord.js bot over the local fake Discord, the real
 * agent (offline parser) and services on the bench's Postgres and Redis; `/price btc` sent one at a time,
 * measured from the fake dispatching the interaction to the fake receiving the deferral (and, for scale,
 * to the edited-in answer). The acceptance test checks that every interaction is acknowledged; the
 * time it takes is this figure, not a wall-clock assertion in a test.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startDiscordBot } from '../bots/discord/bot.ts';
import { registrySources } from '../bots/discord/registry.ts';
import { createProcessServices } from '../cli/services.ts';
import { createAgent } from '../core/agent/agent.ts';
import { orderEventFeedFor } from '../core/broadcast/order-events.ts';
import { loadConfig } from '../core/config.ts';
import { createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import { orderIdOfHandle } from '../core/trading/service.ts';
import { startFakeDiscord } from '../test/fakes/discord/server.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Discord: slash-command acknowledgement against the 3 s window';

const WARMUP = 10;
const RUNS = 100;
const WINDOW_MS = 3_000;

export async function run(): Promise<BenchRow[]> {
  // A wide window on the fake: a slow acknowledgement is measured, not refused.
  const fake = await startFakeDiscord({ ackWindowMs: 60_000 });
  const guild = fake.addGuild('Bench', ['signals']);
  const prefix = `bench-discord-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: '',
    DISCORD_TOKEN: fake.token,
    DISCORD_APP_ID: fake.appId,
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_DEV_GUILD_ID: guild.id,
  });
  const ctx = createAppContext(config, createLogger({ level: 'silent' }));
  const services = createProcessServices(ctx, { charts: { workers: 0 } });
  const agent = createAgent({ ...ctx, services: services.agent, auditDb: services.auditDb, llm: null });
  const bot = await startDiscordBot(ctx, {
    agent,
    commands: registrySources(),
    orderEvents: orderEventFeedFor(ctx),
    orderIdOfHandle,
  });
  const users = Array.from({ length: 5 }, (_, i) => fake.addUser(`bench-${i}`));
  const ack: number[] = [];
  const answer: number[] = [];
  try {
    for (let n = 0; n < WARMUP + RUNS; n++) {
      const t0 = performance.now();
      const i = fake.slash({
        user: users[n % users.length]!,
        channelId: guild.channels.signals!,
        name: 'price',
        options: { symbol: 'BTC' },
      });
      await fake.state.waitFor(() => i.callbacks.length > 0, 30_000, 'the acknowledgement');
      const t1 = performance.now();
      await fake.state.waitFor(() => (i.original?.edits.length ?? 0) > 1, 30_000, 'the answer');
      if (n >= WARMUP) {
        ack.push(t1 - t0);
        answer.push(performance.now() - t0);
      }
    }
    const p99 = percentile(ack, 99);
    return [
      {
        metric: 'acknowledgement, p50',
        value: ms(percentile(ack, 50), 1),
        note: `${RUNS} /price btc, one at a time`,
      },
      {
        metric: 'acknowledgement, p99',
        value: ms(p99, 1),
        note: `${((p99 / WINDOW_MS) * 100).toFixed(1)}% of Discord's 3 s window`,
      },
      { metric: 'acknowledgement, max', value: ms(Math.max(...ack), 1) },
      { metric: 'answer edited in, p50', value: ms(percentile(answer, 50), 1) },
      { metric: 'answer edited in, p99', value: ms(percentile(answer, 99), 1) },
    ];
  } finally {
    await bot.stop();
    // Audit entries are written just after the replies: let them land before removing them.
    await agent.drain();
    for (const u of users) {
      const account = await ctx.db.platformAccount.findUnique({
        where: { platform_platformUserId: { platform: 'DISCORD', platformUserId: u.id } },
      });
      if (account) {
        await ctx.db.auditLog.deleteMany({ where: { actorUserId: account.userId } });
        await ctx.db.user.delete({ where: { id: account.userId } }).catch(() => undefined);
      }
    }
    const keys = await ctx.redis.keys(`${prefix}:*`);
    if (keys.length) await ctx.redis.del(...keys);
    await services.close();
    await ctx.close();
    await fake.close();
  }
}
