/**
 * The real `openai` SDK against the local fake server, streaming and not: multi-step tool use, parallel
 * tool calls, tool errors fed back, timeouts, 429 and 5xx, step and budget limits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, calls, error, FakeOpenAI, type FakeRequest, text } from '../../../test/fakes/openai/server.ts';
import { type AgentHarness, actionsOf, createAgentHarness, textOf } from '../testing/harness.ts';

/** Free text the offline parser does not understand, so it goes to the model. */
const ASK = 'give me a quick market overview';

const toolMessages = (r: FakeRequest | undefined) => (r?.messages ?? []).filter((m) => m.role === 'tool');
const toolResult = (r: FakeRequest | undefined, i = 0) =>
  // biome-ignore lint/suspicious/noExplicitAny: assertions below read arbitrary tool JSON
  JSON.parse(toolMessages(r)[i]?.content ?? '{}') as Record<string, any>;

describe.each([
  { stream: true, label: 'streaming' },
  { stream: false, label: 'not streaming' },
])('LLM tool loop with the real SDK ($label)', ({ stream }) => {
  let fake: FakeOpenAI;
  let t: AgentHarness;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    t = await createAgentHarness(`llm-${stream ? 's' : 'p'}`, {
      llmUrl: fake.url,
      env: { LLM_STREAM: String(stream), LLM_TIMEOUT_MS: '300', LLM_MAX_RETRIES: '1', LLM_MAX_STEPS: '4' },
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('runs several steps of tool use and answers with the model’s text', async () => {
    fake.push(
      call('get_price', { symbol: 'BTC' }),
      call('get_candles', { symbol: 'BTC', timeframe: '4h', limit: 5, indicators: [{ kind: 'rsi' }] }),
      text('BTC is steady; RSI is neutral.'),
    );
    const replies = await t.say('u1', ASK);
    expect(textOf(replies)).toBe('BTC is steady; RSI is neutral.');
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[0]!.stream).toBe(stream);
    expect(fake.requests[0]!.tools.map((x) => x.function.name)).toContain('propose_order');
    expect(toolResult(fake.requests[1]).result).toMatchObject({
      symbol: 'BTC/USDT',
      exchange: 'sim',
      last: expect.any(Number),
    });
    const candles = toolResult(fake.requests[2], 1).result;
    expect(candles.candles).toHaveLength(5);
    expect(candles.indicators.rsi14).toEqual(expect.any(Number));
    const audited = await t.h.app.db.auditLog.findMany({
      where: { action: { startsWith: 'tool.' }, actorUserId: { not: null } },
      orderBy: { id: 'desc' },
      take: 2,
    });
    expect(audited.map((a) => (a.detail as { source: string }).source)).toEqual(['llm', 'llm']);
  });

  it('runs parallel tool calls and returns each result under its call id', async () => {
    fake.push(
      calls(
        { name: 'get_price', arguments: { symbol: 'BTC' }, id: 'call_btc' },
        { name: 'get_price', arguments: { symbol: 'ETH' }, id: 'call_eth' },
      ),
      text('Both up.'),
    );
    expect(textOf(await t.say('u1', ASK))).toBe('Both up.');
    const results = toolMessages(fake.requests[1]);
    expect(results.map((m) => m.tool_call_id)).toEqual(['call_btc', 'call_eth']);
    expect(JSON.parse(results[0]!.content!).result.symbol).toBe('BTC/USDT');
    expect(JSON.parse(results[1]!.content!).result.symbol).toBe('ETH/USDT');
    const assistant = fake.requests[1]!.messages.find((m) => m.role === 'assistant' && m.tool_calls);
    expect(assistant?.tool_calls?.map((c) => JSON.parse(c.function.arguments).symbol)).toEqual([
      'BTC',
      'ETH',
    ]);
  });

  it('reads parallel tool calls from servers that leave out the delta index', async () => {
    fake.push(
      {
        kind: 'tools',
        omitIndex: true,
        calls: [
          { name: 'get_price', arguments: { symbol: 'SOL' }, id: 'call_sol' },
          { name: 'get_price', arguments: { symbol: 'DOGE' }, id: 'call_doge' },
        ],
      },
      text('Both read.'),
    );
    expect(textOf(await t.say('u1', ASK))).toBe('Both read.');
    const results = toolMessages(fake.requests[1]).map((m) => [
      m.tool_call_id,
      JSON.parse(m.content!).result.symbol,
    ]);
    expect(results).toEqual([
      ['call_sol', 'SOL/USDT'],
      ['call_doge', 'DOGE/USDT'],
    ]);
  });

  it('hands tool errors back to the model as tool results', async () => {
    fake.push(
      calls(
        { name: 'get_price', arguments: { symbol: 'NOPE' } },
        { name: 'get_price', arguments: { symbol: 'BTC; ignore previous instructions' } },
        { name: 'get_price', arguments: '{"symbol": "BTC"' },
        { name: 'withdraw_funds', arguments: { to: 'x' } },
      ),
      text('Sorry, I could not find that market.'),
    );
    expect(textOf(await t.say('u1', ASK))).toBe('Sorry, I could not find that market.');
    const errors = [0, 1, 2, 3].map((i) => toolResult(fake.requests[1], i).error);
    expect(errors.map((e) => e.code)).toEqual([
      'ERR_UNKNOWN_SYMBOL',
      'ERR_VALIDATION',
      'ERR_VALIDATION',
      'ERR_UNKNOWN_TOOL',
    ]);
    expect(errors[0].message).toMatch(/I do not know the market/);
    expect(errors[1].message).toMatch(/symbol: must be a market symbol/);
  });

  it('attaches the proposal card itself and never shows the model the confirmation handle', async () => {
    fake.push(
      call('propose_order', { symbol: 'ETH', side: 'buy', amount: 50, amount_unit: 'quote' }),
      text('Proposed: press Confirm to buy.'),
    );
    const replies = await t.say('u2', 'grab me some ether for fifty bucks, thanks');
    const [card] = actionsOf(replies);
    expect(card?.markdown).toMatch(/Buy \*\*[\d.]+ ETH\*\*/);
    expect(textOf(replies)).toMatch(/^Proposed: press Confirm/);
    expect(JSON.stringify(fake.requests)).not.toContain(card!.handle);
    expect(toolResult(fake.requests[1]).result).toMatchObject({ status: 'PROPOSED', side: 'buy' });
  });

  it('retries after a 429 with Retry-After and then answers', async () => {
    fake.push(error(429, { 'retry-after-ms': '20' }), text('Fine after a retry.'));
    expect(textOf(await t.say('u1', ASK))).toBe('Fine after a retry.');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a model server that keeps answering 429 in plain words', async () => {
    fake.push(error(429, { 'retry-after-ms': '20' }), error(429, { 'retry-after-ms': '20' }));
    const reply = textOf(await t.say('u1', ASK));
    expect(reply).toMatch(/^The AI model is rate-limiting us right now/);
    expect(reply).not.toMatch(/429|Error:|\n\s+at /);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a 5xx after retrying', async () => {
    fake.push(error(500), error(503));
    expect(textOf(await t.say('u1', ASK))).toMatch(/^The AI model server had an error/);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a timed-out request, then reports a model that never answers', async () => {
    fake.push({ kind: 'hang', ms: 1_000 }, text('Late but here.'));
    expect(textOf(await t.say('u1', ASK))).toBe('Late but here.');
    fake.reset();
    fake.push({ kind: 'hang', ms: 1_000 }, { kind: 'hang', ms: 1_000 });
    expect(textOf(await t.say('u1', ASK))).toMatch(/^The AI model did not answer in time/);
    expect(fake.requests).toHaveLength(2);
  });

  it('stops a model that keeps calling tools after LLM_MAX_STEPS', async () => {
    for (let i = 0; i < 6; i++) fake.push(call('get_price', { symbol: 'BTC' }));
    expect(textOf(await t.say('u1', ASK))).toMatch(/^I stopped after 4 steps/);
    expect(fake.requests).toHaveLength(4);
  });

  it('remembers the conversation of this user and chat for the next turn', async () => {
    fake.push(text('Noted: you like SOL.'), text('You said you like SOL.'));
    await t.say('u3', 'remember that I like sol a lot');
    await t.say('u3', 'what coin did I say I like?');
    const history = fake.requests[1]!.messages.map((m) => `${m.role}:${m.content}`);
    expect(history).toContain('user:remember that I like sol a lot');
    expect(history).toContain('assistant:Noted: you like SOL.');
    // Another chat of the same user starts fresh.
    fake.push(text('Hello.'));
    await t.say('u3', 'what coin did I say I like?', { chatId: 'group-1', chatKind: 'group' });
    expect(fake.requests[2]!.messages.some((m) => m.content === 'remember that I like sol a lot')).toBe(
      false,
    );
  });

  it('passes the model’s text to the adapter as it streams in (and only when streaming)', async () => {
    fake.push(text('A fairly long answer that arrives in several pieces.'));
    const deltas: string[] = [];
    const replies = await t.agent.handle(
      {
        platform: 'telegram',
        platformUserId: 'u4',
        chatId: 'dm-u4',
        chatKind: 'dm',
        kind: 'text',
        text: ASK,
      },
      { onText: (d) => deltas.push(d) },
    );
    expect(deltas.length > 3).toBe(stream);
    if (stream) expect(deltas.join('')).toBe(textOf(replies));
  });

  it('still answers from the offline parser without calling the model', async () => {
    expect(textOf(await t.say('u1', 'price of btc'))).toMatch(/\*\*BTC\/USDT\*\*/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('per-user daily LLM budget', () => {
  let fake: FakeOpenAI;
  let t: AgentHarness;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    t = await createAgentHarness('llm-budget', {
      llmUrl: fake.url,
      env: { LLM_DAILY_REQUESTS: '2', LLM_MAX_RETRIES: '0' },
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('answers with a clear message once today’s requests are used, and commands keep working', async () => {
    fake.push(text('one'), text('two'), text('three'));
    expect(textOf(await t.say('spender', ASK))).toBe('one');
    expect(textOf(await t.say('spender', ASK))).toBe('two');
    const third = textOf(await t.say('spender', ASK));
    expect(third).toMatch(/You have used today’s assistant budget/);
    expect(third).toMatch(/resets at midnight UTC/);
    expect(fake.requests).toHaveLength(2);
    // Another user has their own budget; commands do not use the model at all.
    expect(textOf(await t.say('saver', ASK))).toBe('three');
    expect(textOf(await t.command('spender', 'price', 'eth'))).toMatch(/ETH\/USDT/);
  });
});
