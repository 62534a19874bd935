/**
 * Agent core (issue 4): in-process latency of "price of btc" answered through the offline intent
 * parser with a warm Redis ticker cache: identity lookup, parse, command, audited get_price tool,
 * formatting and memory append, all against the real Postgres and Redis of `npm run bench`.
 * Also the parser alone, for scale. Uses its own Redis prefix and removes its user afterwards.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createProcessServices } from '../cli/services.ts';
import { createAgent } from '../core/agent/agent.ts';
import { parseIntent } from '../core/agent/intent/parse.ts';
import { loadConfig } from '../core/config.ts';
import { createAppContext } from '../core/context.ts';
import { createLogger } from '../core/logger.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Agent: "price of btc" through the offline parser, warm ticker cache';

const WARMUP = 200;
const RUNS = 2_000;

export async function run(): Promise<BenchRow[]> {
  const prefix = `bench-agent-${randomBytes(3).toString('hex')}`;
  // No model: the offline parser answers. A long ticker TTL keeps the cache warm for the whole run.
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: '',
    TICKER_TTL_MS: '600000',
  });
  const ctx = createAppContext(config, createLogger({ level: 'silent' }));
  const services = createProcessServices(ctx, { charts: { workers: 0 } });
  const agent = createAgent({
    services: services.agent,
    auditDb: services.auditDb,
    config,
    logger: ctx.logger,
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
    llm: null,
  });
  const platformUserId = `bench-${randomBytes(3).toString('hex')}`;
  const inbound = {
    platform: 'console',
    platformUserId,
    chatId: 'bench',
    chatKind: 'dm',
    kind: 'text',
    text: 'price of btc',
  } as const;
  try {
    for (let i = 0; i < WARMUP; i++) await agent.handle(inbound);
    const stats = services.market.stats;
    const upstreamBefore = stats?.upstreamCalls ?? 0;
    const samples: number[] = [];
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const replies = await agent.handle(inbound);
      samples.push(performance.now() - t0);
      if (replies[0]?.kind !== 'text' || !replies[0].markdown.includes('BTC/USDT'))
        throw new Error('unexpected reply');
    }
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const parse: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const t0 = performance.now();
      parseIntent('price of btc');
      parse.push(performance.now() - t0);
    }
    const upstream = (stats?.upstreamCalls ?? 0) - upstreamBefore;
    // For scale: the round trip a warm request no longer makes (the ticker GET; the process keeps the
    // ticker it read until the Redis entry expires), alone, from the same client in the same run.
    const tickerKey = ctx.keys.key('ticker', services.market.exchangeId, 'BTC/USDT');
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await ctx.redis.get(tickerKey);
      floor.push(performance.now() - t0);
    }
    return [
      {
        metric: 'end to end, p50',
        value: ms(percentile(samples, 50), 3),
        note: `${RUNS} sequential requests after ${WARMUP} warm-up`,
      },
      { metric: 'end to end, p99', value: ms(percentile(samples, 99), 3) },
      { metric: 'throughput, one at a time', value: `${Math.round(RUNS / (elapsed / 1000))} req/s` },
      {
        metric: 'CPU of this process per request',
        value: ms((cpu.user + cpu.system) / 1000 / RUNS, 3),
        note: 'user + system, the audit writes that follow the replies included; Postgres and Redis not',
      },
      {
        metric: 'ticker fetches from the market during the run',
        value: String(upstream),
        note: 'all other tickers came from the Redis ticker cache',
      },
      {
        metric: 'Redis GET alone, p50 / p99',
        value: `${ms(percentile(floor, 50), 3)} / ${ms(percentile(floor, 99), 3)}`,
        note: `${RUNS} sequential GETs of the cached ticker, same client, after the requests (a warm request makes none)`,
      },
      { metric: 'intent parse alone, p50', value: ms(percentile(parse, 50), 4) },
      { metric: 'intent parse alone, p99', value: ms(percentile(parse, 99), 4) },
    ];
  } finally {
    await agent.drain();
    const user = await ctx.db.platformAccount.findUnique({
      where: { platform_platformUserId: { platform: 'CONSOLE', platformUserId } },
    });
    if (user) {
      await ctx.db.auditLog.deleteMany({ where: { actorUserId: user.userId } });
      await ctx.db.user.delete({ where: { id: user.userId } });
    }
    const keys = await ctx.redis.keys(`${prefix}:*`);
    if (keys.length) await ctx.redis.del(...keys);
    await services.close();
    await ctx.close();
  }
}
