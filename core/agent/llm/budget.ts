/**
 * Per-user daily budget of model requests and tokens, in Redis (one hash per user and UTC day). A
 * request is reserved before it is sent, so concurrent messages cannot overshoot the request limit.
 */
import { AppError } from '../../errors.ts';
import type { Redis, RedisKeys } from '../../redis.ts';

export interface BudgetLimits {
  readonly requests: number;
  readonly tokens: number;
}

export interface UsageBudget {
  /** Reserves one model request; ERR_BUDGET_EXCEEDED when today's requests or tokens are used up. */
  reserve(): Promise<void>;
  addTokens(tokens: number): Promise<void>;
  usage(): Promise<{ requests: number; tokens: number }>;
}

const DAY_SECONDS = 86_400;

function exceeded(limits: BudgetLimits): AppError {
  return new AppError('ERR_BUDGET_EXCEEDED', 'daily LLM budget exceeded', {
    userMessage: `You have used today’s assistant budget (${limits.requests} requests or ${limits.tokens.toLocaleString('en-US')} tokens). It resets at midnight UTC. Commands such as /price, /chart and /buy keep working.`,
  });
}

export function userBudget(
  redis: Redis,
  keys: RedisKeys,
  userId: string,
  limits: BudgetLimits,
  now: () => Date = () => new Date(),
): UsageBudget {
  const key = () => keys.key('agent', 'budget', userId, now().toISOString().slice(0, 10));
  return {
    async reserve() {
      const k = key();
      const tokens = Number((await redis.hget(k, 'tokens')) ?? 0);
      if (tokens >= limits.tokens) throw exceeded(limits);
      const requests = await redis.hincrby(k, 'requests', 1);
      await redis.expire(k, 2 * DAY_SECONDS);
      if (requests > limits.requests) {
        await redis.hincrby(k, 'requests', -1);
        throw exceeded(limits);
      }
    },
    async addTokens(tokens) {
      if (tokens > 0) await redis.hincrby(key(), 'tokens', Math.ceil(tokens));
    },
    async usage() {
      const h = await redis.hgetall(key());
      return { requests: Number(h.requests ?? 0), tokens: Number(h.tokens ?? 0) };
    },
  };
}
