import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { createMemory, estimateTokens, type MemoryTurn, type Summarizer } from './memory.ts';

describe('conversation memory in Redis', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('agent-memory');
  });
  afterAll(() => ctx.close());

  const key = (chatId: string) => ({ userId: 'u1', platform: 'telegram', chatId });
  const turn = (role: MemoryTurn['role'], content: string): MemoryTurn => ({ role, content });

  it('keeps turns per user and chat, with a TTL', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 1_000 });
    await memory.append(key('a'), [turn('user', 'hi'), turn('assistant', 'hello')]);
    expect(await memory.load(key('a'))).toEqual({ turns: [turn('user', 'hi'), turn('assistant', 'hello')] });
    expect(await memory.load(key('b'))).toEqual({ turns: [] });
    const ttl = await ctx.redis.ttl(ctx.keys.key('agent', 'memory', 'u1', 'telegram', 'a:turns'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('folds the oldest turns into a summary past the token budget, so it stays bounded', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });
    for (let i = 0; i < 40; i++)
      await memory.append(key('long'), [
        turn('user', `message number ${i} ${'x'.repeat(60)}`),
        turn('assistant', `answer ${i}`),
      ]);
    const { summary, turns } = await memory.load(key('long'));
    const tokens = turns.reduce((s, t) => s + estimateTokens(t.content), 0);
    expect(tokens).toBeLessThanOrEqual(200);
    expect(turns.at(-1)).toEqual(turn('assistant', 'answer 39'));
    // The default summariser keeps the latest folded lines.
    expect(summary).toMatch(/user: message number \d+/);
    expect(estimateTokens(summary!)).toBeLessThanOrEqual(100);
  });

  it('hands the previous summary and the folded turns to the summariser', async () => {
    const seen: { previous?: string; turns: number }[] = [];
    const summarize: Summarizer = async (previous, turns) => {
      seen.push({ ...(previous ? { previous } : {}), turns: turns.length });
      return `summary #${seen.length}`;
    };
    const memory = createMemory({
      redis: ctx.redis,
      keys: ctx.keys,
      ttlSeconds: 60,
      tokenBudget: 200,
      summarize,
    });
    for (let i = 0; i < 10; i++) await memory.append(key('s'), [turn('user', 'y'.repeat(400))]);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[1]?.previous).toBe('summary #1');
    expect((await memory.load(key('s'))).summary).toBe(`summary #${seen.length}`);
  });

  it('clear forgets turns and summary of that chat only', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });
    await memory.append(key('c1'), [turn('user', 'z'.repeat(2_000))]);
    await memory.append(key('c1'), [turn('user', 'again')]);
    await memory.append(key('c2'), [turn('user', 'keep me')]);
    await memory.clear(key('c1'));
    expect(await memory.load(key('c1'))).toEqual({ turns: [] });
    expect((await memory.load(key('c2'))).turns).toEqual([turn('user', 'keep me')]);
  });

  it('stays bounded for a conversation stored before its token counter existed', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });
    const turns = ctx.keys.key('agent', 'memory', 'u1', 'telegram', 'legacy:turns');
    // A list written by the earlier code: far over budget, and no counter beside it.
    for (let i = 0; i < 30; i++)
      await ctx.redis.rpush(turns, JSON.stringify(turn('user', `old ${i} ${'o'.repeat(100)}`)));
    for (let i = 0; i < 30; i++)
      await memory.append(key('legacy'), [turn('user', `new ${i} ${'n'.repeat(60)}`)]);
    const stored = (await memory.load(key('legacy'))).turns;
    expect(stored.reduce((s, t) => s + estimateTokens(t.content), 0)).toBeLessThanOrEqual(200);
    expect(stored.at(-1)?.content).toMatch(/^new 29 /);
  });
});
