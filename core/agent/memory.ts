/**
 * Conversation memory per user and chat, in Redis with a TTL. Past a token budget the oldest half of
 * the turns is folded into a running summary (by the model when one is configured, otherwise by keeping
 * the most recent lines), so context stays bounded however long a chat runs.
 *
 * Memory is data, not instructions: the LLM loop presents it as quoted conversation history.
 */
import type { Logger } from '../logger.ts';
import type { Redis, RedisKeys } from '../redis.ts';

export interface MemoryTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface Conversation {
  readonly summary?: string;
  readonly turns: readonly MemoryTurn[];
}

export interface ConversationKey {
  readonly userId: string;
  readonly platform: string;
  readonly chatId: string;
}

/** Folds earlier turns and the previous summary into a new, shorter summary. */
export type Summarizer = (
  previous: string | undefined,
  turns: readonly MemoryTurn[],
  maxTokens: number,
) => Promise<string>;

export interface MemoryOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly ttlSeconds: number;
  /** Turns beyond this many estimated tokens are summarised. */
  readonly tokenBudget: number;
  readonly summarize?: Summarizer;
  /** Where a failed append or fold is reported (a fold is retried at the next append over budget). */
  readonly logger?: Pick<Logger, 'warn'>;
}

export interface ConversationMemory {
  load(key: ConversationKey): Promise<Conversation>;
  /**
   * Write-behind: sends the turns at once and returns without waiting for Redis. One connection runs
   * its commands in order, so a later `load` on it sees them; a failed write is logged (the reply it
   * remembers was already given); `drain` waits for it.
   */
  append(key: ConversationKey, turns: readonly MemoryTurn[]): void;
  clear(key: ConversationKey): Promise<void>;
  /** Resolves once every append and fold started so far has finished (graceful stop, tests). */
  drain(): Promise<void>;
}

/** Rough token count (≈ 4 characters per token for English); enough to bound a budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const MAX_TURN_CHARS = 4_000;

/** RPUSH the turns, INCRBY their tokens, refresh the TTLs; returns {length, tokens}. Redis caches it. */
const APPEND = `local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
local t = redis.call('INCRBY', KEYS[2], ARGV[2])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return {n, t}`;

/**
 * Drops the first ARGV[2] turns if the conversation was not cleared since the fold read it (KEYS[4] is
 * still ARGV[1]) and the list still begins with them (first and last as read), counts their tokens off
 * and stores the new summary; returns the tokens left, or false when either changed.
 */
const FOLD = `if (redis.call('GET', KEYS[4]) or '0') ~= ARGV[1] then return false end
local n = tonumber(ARGV[2])
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[3] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[4] then
  return false
end
redis.call('LTRIM', KEYS[1], n, -1)
local left = redis.call('DECRBY', KEYS[2], ARGV[5])
redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7])
return left`;

/** Without a model: keep the latest lines that fit, oldest dropped first. */
export const keepRecentLines: Summarizer = async (previous, turns, maxTokens) => {
  const lines = [
    ...(previous ? previous.split('\n') : []),
    ...turns.map((t) => `${t.role}: ${t.content.replace(/\s+/g, ' ').slice(0, 300)}`),
  ];
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const cost = estimateTokens(`${lines[i]!}\n`);
    if (used + cost > maxTokens) break;
    kept.unshift(lines[i]!);
    used += cost;
  }
  return kept.join('\n');
};

export function createMemory(options: MemoryOptions): ConversationMemory {
  const { redis, keys, ttlSeconds, tokenBudget } = options;
  const summarize = options.summarize ?? keepRecentLines;
  const names = (k: ConversationKey) => {
    const base = keys.key('agent', 'memory', k.userId, k.platform, k.chatId);
    return {
      turns: `${base}:turns`,
      summary: `${base}:summary`,
      // Estimated tokens of the stored turns, kept beside the list so an append learns whether it went
      // over budget from two counters instead of reading back and parsing every turn.
      tokens: `${base}:tokens`,
      // Counts /clear calls, so a fold that read the conversation before one does not write it back.
      cleared: `${base}:cleared`,
    };
  };

  const parseTurns = (raw: readonly string[]): MemoryTurn[] =>
    raw.flatMap((r) => {
      try {
        const t = JSON.parse(r) as MemoryTurn;
        return (t.role === 'user' || t.role === 'assistant') && typeof t.content === 'string' ? [t] : [];
      } catch {
        return [];
      }
    });

  async function load(key: ConversationKey): Promise<Conversation> {
    const n = names(key);
    const [raw, summary] = await Promise.all([redis.lrange(n.turns, 0, -1), redis.get(n.summary)]);
    const turns = parseTurns(raw);
    return summary ? { summary, turns } : { turns };
  }

  const tokensOf = (turns: readonly MemoryTurn[]) => turns.reduce((s, t) => s + estimateTokens(t.content), 0);
  const overBudget = (turns: readonly MemoryTurn[]) => turns.length >= 2 && tokensOf(turns) > tokenBudget;

  /** One fold; true when what it left is still over budget. */
  async function compress(key: ConversationKey): Promise<boolean> {
    const n = names(key);
    // No lock: two folds of one conversation at once (two processes) both summarise, and the FOLD script
    // keeps the first and drops the second. This process never runs two at once (foldLater).
    const [raw, summary, cleared] = await Promise.all([
      redis.lrange(n.turns, 0, -1),
      redis.get(n.summary),
      redis.get(n.cleared),
    ]);
    const turns = parseTurns(raw);
    if (!overBudget(turns)) {
      // The counter drifted (a list from before it existed, or one a parse dropped): the list is the truth.
      await redis.set(n.tokens, tokensOf(turns), 'EX', ttlSeconds);
      return false;
    }
    const fold = Math.ceil(raw.length / 2);
    const folded = parseTurns(raw.slice(0, fold));
    const next = await summarize(summary ?? undefined, folded, Math.max(100, Math.floor(tokenBudget / 2)));
    // Only if nobody cleared the conversation meanwhile (its summary is not written back) and the list
    // still starts with what was folded (another fold did not take it).
    const left = (await redis.eval(
      FOLD,
      4,
      n.turns,
      n.tokens,
      n.summary,
      n.cleared,
      cleared ?? '0',
      fold,
      raw[0]!,
      raw[fold - 1]!,
      tokensOf(folded),
      next.slice(0, tokenBudget * 4),
      ttlSeconds,
    )) as unknown;
    if (typeof left !== 'number') return false;
    // Below zero, the counter missed turns (it did not exist when they were stored): recount.
    const rest = left < 0 ? tokensOf(parseTurns(raw.slice(fold))) : left;
    if (left < 0) await redis.set(n.tokens, rest, 'EX', ttlSeconds);
    return raw.length - fold >= 2 && rest > tokenBudget;
  }

  // Folding runs after the append has answered, never on the reply path: with a model it is a whole
  // completion. One fold per conversation at a time in this process; an append over budget during a
  // fold asks for one more pass after it (the Redis lock covers other processes).
  const writing = new Set<Promise<void>>();
  const folding = new Map<string, Promise<void>>();
  const foldAgain = new Set<string>();
  function foldLater(key: ConversationKey): void {
    const id = names(key).turns;
    if (folding.has(id)) {
      foldAgain.add(id);
      return;
    }
    const passes = async () => {
      let over: boolean;
      do {
        foldAgain.delete(id);
        over = await compress(key);
      } while (over || foldAgain.has(id));
    };
    const running = passes()
      .catch((err: unknown) => options.logger?.warn({ err }, 'conversation memory fold failed'))
      .finally(() => folding.delete(id));
    folding.set(id, running);
  }

  return {
    load,
    async drain() {
      while (writing.size || folding.size) await Promise.all([...writing, ...folding.values()]);
    },
    append(key, turns) {
      if (!turns.length) return;
      const n = names(key);
      const stored = turns.map((t) => ({ role: t.role, content: t.content.slice(0, MAX_TURN_CHARS) }));
      // One script call: the list length and the token count come back with the write, so most
      // appends stay under budget and end here, without reading the conversation back.
      const written = redis
        .eval(
          APPEND,
          3,
          n.turns,
          n.tokens,
          n.summary,
          ttlSeconds,
          tokensOf(stored),
          ...stored.map((t) => JSON.stringify(t)),
        )
        .then((reply: unknown) => {
          const [length, tokens] = Array.isArray(reply) ? reply : [];
          if (
            typeof length !== 'number' ||
            typeof tokens !== 'number' ||
            (length >= 2 && tokens > tokenBudget)
          )
            foldLater(key);
        })
        .catch((err: unknown) => options.logger?.warn({ err }, 'conversation memory append failed'))
        .finally(() => writing.delete(written));
      writing.add(written);
    },
    async clear(key) {
      const n = names(key);
      await redis
        .multi()
        .del(n.turns, n.summary, n.tokens)
        .incr(n.cleared)
        .expire(n.cleared, ttlSeconds)
        .exec();
    },
  };
}
