/**
 * The news part of the `worker` role: every few seconds, the configured feeds that are due (by their
 * stored nextFetchAt, which carries each feed's backoff) are polled, two at a time. Several worker
 * processes share the work through a Redis lock per feed, so a feed is fetched by one of them only.
 * Old items are pruned hourly. With NEWS_LLM_SENTIMENT and a model configured, each tick also sends
 * one batch of the newest headlines to the model (core/news/llm-sentiment.ts); a failed request pauses
 * that for a poll interval so an outage cannot spend the day's budget in minutes. `stop()` aborts
 * in-flight fetches and waits for the tick to end.
 */
import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { createLlmClient } from '../../core/agent/llm/client.ts';
import type { AppContext } from '../../core/context.ts';
import { type RescoreResult, rescoreBatch } from '../../core/news/llm-sentiment.ts';
import { type PollSettings, pollFeed } from '../../core/news/poll.ts';
import { pruneItems } from '../../core/news/store.ts';

export interface NewsSchedule {
  readonly summary: string;
  /** Runs one tick now (tests, and the first tick at start). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const TICK_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
const CONCURRENCY = 2;

export function newsSettings(config: AppContext['config']): PollSettings {
  return {
    intervalMs: config.NEWS_POLL_SECONDS * 1000,
    maxBackoffMs: config.NEWS_MAX_BACKOFF_SECONDS * 1000,
    timeoutMs: config.NEWS_FETCH_TIMEOUT_MS,
    maxBytes: config.NEWS_MAX_BYTES,
    maxRedirects: config.NEWS_MAX_REDIRECTS,
    maxItems: 500,
    userAgent: 'CryptoPulse/0.1 (self-hosted crypto news reader; conditional requests)',
  };
}

export interface NewsScheduleOptions {
  readonly tickMs?: number;
  /** The model client; default: from OPENAI_API_KEY / OPENAI_BASE_URL when NEWS_LLM_SENTIMENT is on. */
  readonly llm?: OpenAI | null;
}

export function startNewsSchedule(ctx: AppContext, options: NewsScheduleOptions = {}): NewsSchedule {
  const { config, db, logger, redis, keys } = ctx;
  const feeds = config.NEWS_FEEDS;
  const settings = newsSettings(config);
  const stopping = new AbortController();
  let lastPrune = 0;
  let running: Promise<void> | undefined;
  const llm = config.NEWS_LLM_SENTIMENT
    ? options.llm === undefined
      ? createLlmClient(config)
      : options.llm
    : null;
  if (config.NEWS_LLM_SENTIMENT && !llm)
    logger.warn(
      'NEWS_LLM_SENTIMENT is on but no model is configured (OPENAI_API_KEY); the lexicon scores news',
    );
  let llmPausedUntil = 0;

  async function scoreWithModel(): Promise<RescoreResult | undefined> {
    if (!llm || Date.now() < llmPausedUntil || stopping.signal.aborted) return undefined;
    const result = await rescoreBatch({
      db,
      redis,
      keys,
      logger,
      llm,
      model: config.LLM_MODEL,
      dailyRequests: config.NEWS_LLM_DAILY_REQUESTS,
    });
    if (result.outcome === 'failed') llmPausedUntil = Date.now() + settings.intervalMs;
    return result;
  }

  async function pollIfDue(url: string): Promise<void> {
    const state = await db.newsFeed.findUnique({ where: { url }, select: { nextFetchAt: true } });
    if (state && state.nextFetchAt.getTime() > Date.now()) return;
    const lock = keys.key('news', 'lock', createHash('sha256').update(url).digest('hex').slice(0, 24));
    const token = `${process.pid}:${Math.random()}`;
    if ((await redis.set(lock, token, 'PX', settings.timeoutMs + 30_000, 'NX')) !== 'OK') return;
    try {
      await pollFeed({ db, logger, settings, stop: stopping.signal }, url);
    } finally {
      // Release only our own lock (it may have expired and been taken by another process).
      if ((await redis.get(lock)) === token) await redis.del(lock);
    }
  }

  async function tick(): Promise<void> {
    const queue = [...feeds];
    const lane = async () => {
      for (let url = queue.shift(); url && !stopping.signal.aborted; url = queue.shift()) {
        try {
          await pollIfDue(url);
        } catch (err) {
          // pollFeed records feed failures itself; this is the database or Redis being away.
          logger.error({ err, feed: url }, 'news poll failed');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    await scoreWithModel().catch((err: unknown) => logger.error({ err }, 'news scoring by the model failed'));
    if (Date.now() - lastPrune > PRUNE_EVERY_MS && !stopping.signal.aborted) {
      lastPrune = Date.now();
      const removed = await pruneItems(db, new Date(Date.now() - config.NEWS_RETENTION_DAYS * 86_400_000));
      if (removed) logger.info({ removed }, 'old news pruned');
    }
  }

  function runTick(): Promise<void> {
    running ??= tick()
      .catch((err: unknown) => logger.error({ err }, 'news tick failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = feeds.length ? setInterval(runTick, options.tickMs ?? TICK_MS) : undefined;
  timer?.unref();
  if (feeds.length) void runTick();
  return {
    summary: feeds.length
      ? `news from ${feeds.length} feed${feeds.length === 1 ? '' : 's'} every ${config.NEWS_POLL_SECONDS} s${llm ? `, scored by ${config.LLM_MODEL} (≤ ${config.NEWS_LLM_DAILY_REQUESTS} requests/day)` : ''}`
      : 'news off (NEWS_FEEDS=off)',
    tick: runTick,
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
