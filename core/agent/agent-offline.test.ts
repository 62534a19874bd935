/**
 * The agent without a model, over the real trading core: the same path Discord, Telegram and the
 * console take. Orders are only proposed; only the owner's press confirms; the paper broker fills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../charts/png-pixels.ts';
import { isAppError } from '../errors.ts';
import { metrics } from '../metrics.ts';
import { COMMANDS } from './commands/registry.ts';
import { type AgentHarness, actionsOf, createAgentHarness, kinds, textOf } from './testing/harness.ts';

describe('agent without a model (offline parser) over the real trading core', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('agent-offline');
  });
  afterAll(() => t.close());

  it('answers a price in free text and writes the tool call to the audit log', async () => {
    const replies = await t.say('alice', 'price of eth?');
    expect(kinds(replies)).toEqual(['text']);
    expect(textOf(replies)).toMatch(/\*\*ETH\/USDT\*\* [\d,]+\.\d+ USDT/);
    const audit = await t.h.app.db.auditLog.findMany({ where: { action: 'tool.get_price' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: 'ok',
      platform: 'TELEGRAM',
      detail: expect.objectContaining({ source: 'intent' }),
    });
  });

  it('draws a chart as a PNG that decodes', async () => {
    const replies = await t.command('alice', 'chart', 'btc 4h ema 20/50 rsi');
    const image = replies.find((r) => r.kind === 'image');
    expect(image?.kind).toBe('image');
    if (image?.kind !== 'image') return;
    const decoded = await decodePng(image.png);
    expect(decoded.width).toBeGreaterThan(300);
    expect(image.alt).toMatch(/BTC\/USDT/);
    expect(image.filename).toBe('BTC-USDT-4h.png');
  });

  it('turns "buy 0.01 btc" into a proposal card and queues nothing', async () => {
    const replies = await t.say('alice', 'buy 0.01 btc');
    const [card] = actionsOf(replies);
    expect(card?.markdown).toMatch(/Confirm this order\?/);
    expect(card?.markdown).toMatch(/Buy \*\*0\.01 BTC\*\*/);
    expect(card?.buttons.map((b) => b.action)).toEqual(['confirm', 'cancel']);
    expect(Buffer.byteLength(card!.buttons[0]!.data)).toBeLessThanOrEqual(64);
    expect(t.h.queued).toEqual([]);
    expect(await t.statuses()).toEqual({ PROPOSED: 1 });
  });

  it('refuses a press by anyone but the owner, and the order stays PROPOSED', async () => {
    const [card] = actionsOf(await t.say('alice', 'buy $50 of eth'));
    const refusal = await t
      .press('mallory', 'confirm', card!.handle, { chatId: 'dm-alice' })
      .catch((e: unknown) => e);
    expect(isAppError(refusal, 'ERR_NOT_OWNER')).toBe(true);
    expect(t.h.queued).toEqual([]);
    const order = await t.h.app.db.order.findUniqueOrThrow({ where: { id: card!.orderId! } });
    expect(order.status).toBe('PROPOSED');
  });

  it('confirms on the owner’s press; the paper broker then fills the order', async () => {
    const [card] = actionsOf(await t.say('alice', 'buy 0.02 btc'));
    const confirmed = await t.press('alice', 'confirm', card!.handle);
    expect(textOf(confirmed)).toMatch(/^Confirmed \(paper\)/);
    expect(t.h.queued).toEqual([card!.orderId]);
    await t.fill();
    const orders = textOf(await t.say('alice', 'order history'));
    expect(orders).toMatch(new RegExp(`${card!.orderId!.slice(0, 8)}\`.*\\*\\*FILLED\\*\\*`));
    const portfolio = textOf(await t.command('alice', 'portfolio', ''));
    expect(portfolio).toMatch(/\| BTC \| 0\.02 \|/);
  });

  it('a second press of the same Confirm changes nothing', async () => {
    const [card] = actionsOf(await t.say('alice', 'buy 0.001 btc'));
    await t.press('alice', 'confirm', card!.handle);
    const again = await t.press('alice', 'confirm', card!.handle);
    expect(textOf(again)).toMatch(/^Already confirmed/);
    expect(t.h.queued.filter((id) => id === card!.orderId)).toHaveLength(1);
    await t.fill();
  });

  it('Cancel on the card declines the proposal', async () => {
    const [card] = actionsOf(await t.say('alice', 'sell half my btc'));
    expect(card?.markdown).toMatch(/Sell \*\*0\.0105 BTC\*\*/);
    const declined = await t.press('alice', 'cancel', card!.handle);
    expect(textOf(declined)).toMatch(/Cancelled, nothing was traded/);
    const order = await t.h.app.db.order.findUniqueOrThrow({ where: { id: card!.orderId! } });
    expect(order.status).toBe('CANCELLED');
  });

  it('takes Discord-style typed options for the same command', async () => {
    const replies = await t.command(
      'bob',
      'buy',
      { symbol: 'ETH', amount: 100, unit: 'money' },
      { platform: 'discord' },
    );
    expect(actionsOf(replies)[0]?.markdown).toMatch(/Buy \*\*[\d.]+ ETH\*\* on ETH\/USDT/);
    const bad = await t.command('bob', 'buy', { symbol: 'ETH', amount: -1 }, { platform: 'discord' });
    expect(textOf(bad)).toMatch(/^I could not read that: the amount must be more than 0\. Example: \/buy /);
  });

  it('a message over the size limit says how long it was and the limit, and changes nothing', async () => {
    const replies = await t.say('carol', `buy 1 btc ${'x'.repeat(8_001)}`);
    expect(textOf(replies)).toBe('That message is too long (8,011 characters); the most I read is 8,000.');
    const args = await t.command('carol', 'buy', `1 btc ${'x'.repeat(4_000)}`);
    expect(textOf(args)).toBe('That message is too long (4,006 characters); the most I read is 4,000.');
    expect(actionsOf([...replies, ...args])).toEqual([]);
  });

  it('asks instead of guessing when the amount is missing', async () => {
    expect(textOf(await t.say('carol', 'buy btc'))).toMatch(/How much BTC/);
    expect(textOf(await t.command('carol', 'buy', 'btc'))).toMatch(/How much BTC/);
  });

  it('refuses withdrawals, transfers and key reveals before anything runs, and audits the refusal', async () => {
    expect(textOf(await t.say('carol', 'withdraw 1 btc to my ledger'))).toMatch(/can’t withdraw/);
    expect(
      textOf(await t.say('carol', 'send 0.5 eth to 0x52908400098527886e0f7030069857d2e4169ee7')),
    ).toMatch(/can’t send or transfer/);
    expect(textOf(await t.say('carol', 'show me my api secret'))).toMatch(/can’t show API keys/);
    const refused = await t.h.app.db.auditLog.count({
      where: { action: 'agent.refused', outcome: 'rejected' },
    });
    expect(refused).toBe(3);
  });

  it('says plainly what it does not understand', async () => {
    expect(textOf(await t.say('carol', 'tell me a joke'))).toMatch(/^I did not understand that/);
  });

  it('keeps /keys to direct messages', async () => {
    const replies = await t.command('carol', 'keys', 'list', { chatKind: 'group', chatId: 'g1' });
    expect(textOf(replies)).toMatch(/only in a direct message/);
  });

  it('answers "not available yet" for a service that is not built', async () => {
    expect(textOf(await t.command('carol', 'signals', ''))).toMatch(/Signals is not available yet/);
    expect(textOf(await t.say('carol', 'latest signals'))).toMatch(/Signals is not available yet/);
  });

  it('lets only chat admins subscribe a group', async () => {
    const replies = await t.command('carol', 'subscribe', '', {
      chatKind: 'group',
      chatId: 'g1',
      isChatAdmin: false,
    });
    expect(textOf(replies)).toMatch(/Only admins of this chat/);
  });

  it('never shows a stack trace: an unknown market is a sentence', async () => {
    const text = textOf(await t.say('carol', 'price of zzzz'));
    expect(text).toMatch(/I do not know the market/);
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('counts messages and tool calls for /metrics', async () => {
    const tools = await metrics.getSingleMetricAsString('cryptopulse_agent_tool_calls_total');
    expect(tools).toMatch(/tool="get_price",source="intent",outcome="ok"} [1-9]/);
    expect(tools).toMatch(/tool="propose_order",source="command",outcome="ok"} [1-9]/);
    const messages = await metrics.getSingleMetricAsString('cryptopulse_agent_messages_total');
    expect(messages).toMatch(/platform="telegram",kind="text",outcome="answered"} [1-9]/);
    expect(messages).toMatch(/kind="button",outcome="ERR_NOT_OWNER"} 1/);
  });

  it('unknown commands point to /help, and /help lists every command', async () => {
    expect(textOf(await t.command('carol', 'frobnicate', ''))).toMatch(/no \/frobnicate command/);
    const help = textOf(await t.command('carol', 'help', ''));
    for (const { name } of COMMANDS) expect(help).toContain(`/${name}`);
  });
});

describe('/signals for a pair with none says why (console tester)', () => {
  let t: AgentHarness;
  beforeAll(async () => {
    t = await createAgentHarness('agent-signals', {
      signals: true,
      env: { SIGNAL_PAIRS: 'BTC/USDT,ETH/USDT' },
    });
  });
  afterAll(() => t.close());

  it('names an unknown market as such, and the pairs the strategy runs on', async () => {
    expect(textOf(await t.command('sig', 'signals', 'foo'))).toBe(
      'FOO is not a market here. The strategy runs on BTC/USDT, ETH/USDT.',
    );
    expect(textOf(await t.command('sig', 'signals', 'sol'))).toBe(
      'No signals for SOL/USDT: the strategy runs on BTC/USDT, ETH/USDT.',
    );
    expect(textOf(await t.command('sig', 'signals', 'btc'))).toBe('No recent signals for BTC.');
  });
});
