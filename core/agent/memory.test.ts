import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { createMemory, estimateTokens, type MemoryTurn, type Summarizer } from './memory.ts';

/** A summariser that answers only when released, so a test can act while a fold is under way. */
function heldSummarizer(summary: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let started!: () => void;
  const summarising = new Promise<void>((r) => {
    started = r;
  });
  let calls = 0;
  const summarize: Summarizer = async () => {
    calls++;
    started();
    await released;
    return summary;
  };
  return { summarize, summarising, release, calls: () => calls };
}

describe('conversation memory in Redis', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('agent-memory');
  });
  afterAll(() => ctx.close());

  const key = (chatId: string) => ({ userId: 'u1', platform: 'telegram', chatId });
  const turn = (role: MemoryTurn['role'], content: string): MemoryTurn => ({ role, content });
  const options = () => ({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });

  it('keeps turns per user and chat, with a TTL', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 1_000 });
    memory.append(key('a'), [turn('user', 'hi'), turn('assistant', 'hello')]);
    expect(await memory.load(key('a'))).toEqual({ turns: [turn('user', 'hi'), turn('assistant', 'hello')] });
    expect(await memory.load(key('b'))).toEqual({ turns: [] });
    const ttl = await ctx.redis.ttl(ctx.keys.key('agent', 'memory', 'u1', 'telegram', 'a:turns'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('folds the oldest turns into a summary past the token budget, so it stays bounded', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });
    for (let i = 0; i < 40; i++)
      memory.append(key('long'), [
        turn('user', `message number ${i} ${'x'.repeat(60)}`),
        turn('assistant', `answer ${i}`),
      ]);
    await memory.drain();
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
    for (let i = 0; i < 10; i++) {
      memory.append(key('s'), [turn('user', 'y'.repeat(400))]);
      await memory.drain();
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[1]?.previous).toBe('summary #1');
    expect((await memory.load(key('s'))).summary).toBe(`summary #${seen.length}`);
  });

  it('answers an append over budget before the summariser has finished, and folds after', async () => {
    // With a model the fold is a whole completion: the reply that triggered it must not wait for it.
    const held = heldSummarizer('folded');
    const memory = createMemory({ ...options(), summarize: held.summarize });
    const long = (tag: string) => turn('user', tag.repeat(1_000));
    // Over budget: before the change this append waited on the summariser, which waits on this test.
    memory.append(key('slow'), [long('a'), long('b')]);
    await held.summarising;
    memory.append(key('slow'), [long('c')]);
    expect((await memory.load(key('slow'))).turns).toEqual([long('a'), long('b'), long('c')]);
    held.release();
    await memory.drain();
    // The append made during the fold asked for one more pass over what the first one left.
    expect(held.calls()).toBe(2);
    expect(await memory.load(key('slow'))).toEqual({ summary: 'folded', turns: [long('c')] });
  });

  it('does not bring back a summary when the conversation is cleared during a fold', async () => {
    const held = heldSummarizer('what the user asked to forget');
    const memory = createMemory({ ...options(), summarize: held.summarize });
    memory.append(key('forget'), [turn('user', 'q'.repeat(1_000)), turn('assistant', 'r'.repeat(1_000))]);
    await held.summarising;
    await memory.clear(key('forget'));
    held.release();
    await memory.drain();
    expect(await memory.load(key('forget'))).toEqual({ turns: [] });
  });

  it('clear forgets turns and summary of that chat only', async () => {
    const memory = createMemory({ redis: ctx.redis, keys: ctx.keys, ttlSeconds: 60, tokenBudget: 200 });
    memory.append(key('c1'), [turn('user', 'z'.repeat(2_000))]);
    memory.append(key('c1'), [turn('user', 'again')]);
    memory.append(key('c2'), [turn('user', 'keep me')]);
    await memory.drain();
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
    for (let i = 0; i < 30; i++) memory.append(key('legacy'), [turn('user', `new ${i} ${'n'.repeat(60)}`)]);
    await memory.drain();
    const stored = (await memory.load(key('legacy'))).turns;
    expect(stored.reduce((s, t) => s + estimateTokens(t.content), 0)).toBeLessThanOrEqual(200);
    expect(stored.at(-1)?.content).toMatch(/^new 29 /);
  });
});
