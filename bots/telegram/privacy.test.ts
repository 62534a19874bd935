/**
 * Personal answers never land where other members read them: /portfolio, /orders, /pnl and a mention
 * asking for the portfolio in a group go to the asker's DM with a pointer in the group (or, when the
 * user never started a chat with the bot, a request to do so); the same asked in the DM is answered
 * there. The real grammY bot, the real agent core and trading core, the Bot API fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessServices } from '../../cli/services.ts';
import { createAgent } from '../../core/agent/agent.ts';
import { commandPolicy } from '../../core/agent/commands/policy.ts';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import type { SentMessage } from '../../test/fakes/telegram/state.ts';
import { startWorkerRole } from '../../worker/role.ts';
import { openDmFirst, SENT_TO_DM } from './respond.ts';
import { type DepsFactory, type Stage, startStage } from './testing/harness.ts';

const core: DepsFactory = async (app) => {
  const services = createProcessServices(app);
  const agent = createAgent({ ...app, services: services.agent, llm: null });
  const worker = await startWorkerRole(app, services);
  return {
    deps: { agent, commands: COMMANDS.map(commandPolicy) },
    async close() {
      await worker.stop();
      await services.close();
    },
  };
};

const texts = (messages: readonly SentMessage[]) => messages.map((m) => m.text);
const ASKS = ['/portfolio', '/orders all', '/pnl', '@CryptoPulseTestBot show my portfolio'];

describe('Telegram: personal answers stay private', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await startStage('webhook', core, { label: 'tg_privacy' });
  }, 60_000);
  afterAll(async () => stage?.stop(), 60_000);

  it('in a group, the answers go to the DM and the group reads only a pointer without numbers', async () => {
    const group = -100_6000;
    const alice = stage.user({ userId: 2001 });
    // A filled order of her own, so there are holdings, orders and PnL to keep private.
    await alice.say('buy 0.01 btc');
    const [card] = await stage.waitFor(alice.chatId, (m) => m.some((x) => x.keyboard), 'a proposal card');
    const confirm = card?.keyboard?.[0]?.find((b) => /confirm/i.test(b.text))?.callback_data ?? '';
    await alice.press(confirm, card!.messageId);
    const db = stage.context.app.db;
    for (let i = 0; !(await db.order.count({ where: { status: 'FILLED' } })); i++) {
      if (i > 300) throw new Error('the order was not filled');
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = stage.fake.messagesIn(alice.chatId).length;

    const inGroup = stage.user({ userId: 2001, chatId: group, type: 'supergroup' });
    for (const ask of ASKS) {
      if (ask.startsWith('/')) await inGroup.command(ask);
      else await inGroup.say(ask);
    }
    const said = await stage.waitFor(group, (m) => m.length >= ASKS.length, 'four pointers');
    expect(texts(said)).toEqual(ASKS.map(() => SENT_TO_DM.replace(/\*/g, '')));
    for (const m of said) expect(m.text).not.toMatch(/\d/);

    const dm = await stage.waitFor(alice.chatId, (m) => m.length >= before + ASKS.length, 'four DMs');
    const answers = texts(dm.slice(before)).join('\n');
    expect(answers).toMatch(/Portfolio \(paper\) · total [\d,.]+/);
    expect(answers).toMatch(/\nBTC +0\.01 +[\d,.]+/);
    expect(answers).toMatch(/Buy 0\.01 BTC @ [\d,.]+ · FILLED/);
    expect(answers).toMatch(/PnL since .*: -?[\d,.]+ USDT/);
    // A moment later the group still holds only the pointers.
    await new Promise((r) => setTimeout(r, 200));
    expect(stage.fake.messagesIn(group)).toHaveLength(ASKS.length);
  });

  it('asks a user who never started a chat with the bot to do so, and shows the group nothing personal', async () => {
    const group = -100_6001;
    // Telegram refuses a bot's first message to a user who never started a chat with it.
    stage.fake.fault = (method, params) =>
      method.startsWith('send') && String(params.chat_id) === '2002'
        ? {
            ok: false,
            error_code: 403,
            description: "Forbidden: bot can't initiate conversation with a user",
          }
        : undefined;
    const bob = stage.user({ userId: 2002, chatId: group, type: 'supergroup' });
    await bob.command('/portfolio');
    await bob.say('@CryptoPulseTestBot my balance');
    const said = await stage.waitFor(group, (m) => m.length >= 2, 'two requests to open a DM');
    expect(texts(said)).toEqual([openDmFirst('CryptoPulseTestBot'), openDmFirst('CryptoPulseTestBot')]);
    for (const m of said) expect(m.text).not.toMatch(/\d/);
    expect(stage.fake.messagesIn(2002)).toEqual([]);
    stage.fake.fault = undefined;
  });

  it('answers the same commands normally in a DM', async () => {
    const carol = stage.user({ userId: 2003 });
    await carol.command('/portfolio');
    await carol.command('/pnl');
    const dm = await stage.waitFor(carol.chatId, (m) => m.length >= 2, 'the answers');
    expect(dm[0]?.text).toMatch(/Portfolio \(paper\)|paper account is empty/);
    expect(dm[1]?.text).toMatch(/PnL since/);
    expect(texts(dm).join()).not.toContain(SENT_TO_DM);
  });
});
