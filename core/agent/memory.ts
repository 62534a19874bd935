/**
 * Conversation memory per user and chat, in Redis with a TTL. Past a token budget the oldest half of
 * the turns is folded into a running summary (by the model when one is configured, otherwise by keeping
 * the most recent lines), so context stays bounded however long a chat runs.
 *
 * Memory is data, not instructions: the LLM loop presents it as quoted conversation history.
 */
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
}

export interface ConversationMemory {
  load(key: ConversationKey): Promise<Conversation>;
  append(key: ConversationKey, turns: readonly MemoryTurn[]): Promise<void>;
  clear(key: ConversationKey): Promise<void>;
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
      lock: `${base}:lock`,
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

  async function compress(key: ConversationKey): Promise<void> {
    const n = names(key);
    // One compressor per conversation at a time; a concurrent one simply skips.
    if ((await redis.set(n.lock, '1', 'PX', 30_000, 'NX')) !== 'OK') return;
    try {
      const { summary, turns } = await load(key);
      if (!overBudget(turns)) {
        // The counter drifted (a list from before it existed, or one a parse dropped): the list is the truth.
        await redis.set(n.tokens, tokensOf(turns), 'EX', ttlSeconds);
        return;
      }
      const fold = Math.ceil(turns.length / 2);
      const folded = turns.slice(0, fold);
      const next = await summarize(summary, folded, Math.max(100, Math.floor(tokenBudget / 2)));
      // Decrement rather than set: turns appended while the model summarised stay counted.
      const done = await redis
        .multi()
        .ltrim(n.turns, fold, -1)
        .decrby(n.tokens, tokensOf(folded))
        .set(n.summary, next.slice(0, tokenBudget * 4), 'EX', ttlSeconds)
        .exec();
      const left = done?.[1]?.[1];
      // Below zero, the counter missed turns (it did not exist when they were stored): recount.
      if (typeof left !== 'number' || left < 0)
        await redis.set(n.tokens, tokensOf(turns.slice(fold)), 'EX', ttlSeconds);
    } finally {
      await redis.del(n.lock);
    }
  }

  return {
    load,
    async append(key, turns) {
      if (!turns.length) return;
      const n = names(key);
      const stored = turns.map((t) => ({ role: t.role, content: t.content.slice(0, MAX_TURN_CHARS) }));
      // One script call: the list length and the token count come back with the write, so most
      // appends stay under budget and end here, without reading the conversation back.
      const reply = (await redis.eval(
        APPEND,
        3,
        n.turns,
        n.tokens,
        n.summary,
        ttlSeconds,
        tokensOf(stored),
        ...stored.map((t) => JSON.stringify(t)),
      )) as unknown;
      const [length, tokens] = Array.isArray(reply) ? reply : [];
      if (typeof length !== 'number' || typeof tokens !== 'number') await compress(key);
      else if (length >= 2 && tokens > tokenBudget) await compress(key);
    },
    async clear(key) {
      const n = names(key);
      await redis.del(n.turns, n.summary, n.tokens);
    },
  };
}
