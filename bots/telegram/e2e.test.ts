/**
 * Issue 6 acceptance, end to end: users in telegram-test-api, the real grammY bot (polling and webhook
 * mode), the real agent core with its command registry (offline parser, no LLM), the real trading core
 * on the sim market with the BullMQ `orders` worker filling paper orders, the real chart renderer, over
 * this test's own Postgres database and Redis prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessServices } from '../../cli/services.ts';
import { createAgent } from '../../core/agent/agent.ts';
import { commandPolicy } from '../../core/agent/commands/policy.ts';
import { COMMANDS } from '../../core/agent/commands/registry.ts';
import { orderEventFeedFor } from '../../core/broadcast/order-events.ts';
import type { RoleHandle } from '../../core/context.ts';
import type { SentMessage } from '../../test/fakes/telegram/state.ts';
import { type FakeTranscription, startFakeTranscription } from '../../test/fakes/telegram/transcription.ts';
import { startWorkerRole } from '../../worker/role.ts';
import { EXPIRED_ANSWER } from './features/buttons.ts';
import { type DepsFactory, type Mode, type Stage, startStage } from './testing/harness.ts';
import { openAiTranscriber, type Transcriber } from './transcribe.ts';

const realCore =
  (transcriber: Transcriber): DepsFactory =>
  async (app) => {
    const services = createProcessServices(app);
    const agent = createAgent({ ...app, services: services.agent, llm: null });
    const worker: RoleHandle = await startWorkerRole(app, services);
    return {
      deps: {
        agent,
        commands: COMMANDS.map(commandPolicy),
        transcriber,
        orderEvents: orderEventFeedFor(app),
      },
      async close() {
        await worker.stop();
        await services.close();
      },
    };
  };

const card = (messages: SentMessage[]) => messages.findLast((m) => m.keyboard?.[0]?.length === 2);
const buttonData = (m: SentMessage | undefined, label: RegExp) =>
  m?.keyboard?.[0]?.find((b) => label.test(b.text))?.callback_data ?? '';

describe.each<Mode>(['webhook', 'polling'])('Telegram end to end with the real core (%s mode)', (mode) => {
  let stage: Stage;
  let speech: FakeTranscription;
  beforeAll(async () => {
    speech = await startFakeTranscription();
    const transcriber = openAiTranscriber({ apiKey: 'sk-test', baseURL: speech.baseURL, model: 'whisper-1' });
    stage = await startStage(mode, realCore(transcriber), {
      env: { CONFIRM_TTL_SECONDS: '3' },
      label: `tg_e2e_${mode}`,
    });
  }, 60_000);
  afterAll(async () => {
    await stage?.stop();
    await speech?.stop();
  }, 60_000);

  it('/start answers with help', async () => {
    const alice = stage.user({ userId: 1001 });
    await alice.command('/start');
    const [help] = await stage.waitFor(alice.chatId, (m) => m.length > 0, 'the help text');
    expect(help?.text).toMatch(/price/i);
    expect(help?.text).toMatch(/buy/i);
  });

  it('/price answers with the price', async () => {
    const bob = stage.user({ userId: 1002 });
    await bob.command('/price btc');
    const [price] = await stage.waitFor(bob.chatId, (m) => m.length > 0, 'the price');
    expect(price?.text).toContain('BTC/USDT');
    expect(price?.text).toMatch(/\d/);
    expect(stage.fake.state.chatActions).toContainEqual({ chatId: String(bob.chatId), action: 'typing' });
  });

  it('/chart sends a photo, announced with upload_photo', async () => {
    const carol = stage.user({ userId: 1003 });
    await carol.command('/chart btc 1h');
    const messages = await stage.waitFor(carol.chatId, (m) => m.some((x) => x.photo), 'a chart photo');
    const photo = messages.find((m) => m.photo);
    expect(photo?.photo?.bytes).toBeGreaterThan(1_000);
    expect(stage.fake.state.chatActions).toContainEqual({
      chatId: String(carol.chatId),
      action: 'upload_photo',
    });
  });

  it('"buy 0.01 btc" → Confirm → the card shows the outcome and a filled notification arrives', async () => {
    const dave = stage.user({ userId: 1004 });
    await dave.say('buy 0.01 btc');
    const proposal = card(await stage.waitFor(dave.chatId, (m) => card(m) !== undefined, 'a proposal card'));
    expect(proposal?.text).toMatch(/BTC/);
    await dave.press(buttonData(proposal, /confirm/i), proposal!.messageId);
    const isNotification = (m: SentMessage) => m !== proposal && /Filled/.test(m.text);
    const messages = await stage.waitFor(
      dave.chatId,
      (m) => m.some(isNotification),
      'the filled notification',
    );
    const filled = messages.find(isNotification);
    expect(filled?.text).toMatch(/Bought 0\.01 BTC at [\d,.]+, fee/);
    expect(proposal?.keyboard).toBeUndefined();
    // The card itself shows the progress: confirmed/queued, then filled.
    expect(proposal?.text).toMatch(/Filled/);
    expect(proposal?.edits.length).toBeGreaterThan(1);
    const answer = stage.fake.state.callbackAnswers.at(-1);
    expect(answer?.showAlert).toBe(false);
  });

  it('Cancel declines the proposal and the card says so', async () => {
    const erin = stage.user({ userId: 1005 });
    await erin.say('buy 0.01 btc');
    const proposal = card(await stage.waitFor(erin.chatId, (m) => card(m) !== undefined, 'a proposal card'));
    await erin.press(buttonData(proposal, /cancel/i), proposal!.messageId);
    await stage.waitFor(erin.chatId, () => proposal!.edits.length > 0, 'the card edit');
    expect(proposal?.text).toMatch(/cancel/i);
    expect(proposal?.keyboard).toBeUndefined();
  });

  it('an expired proposal answers "expired" and loses its buttons', async () => {
    const frank = stage.user({ userId: 1006 });
    await frank.say('buy 0.01 btc');
    const proposal = card(await stage.waitFor(frank.chatId, (m) => card(m) !== undefined, 'a proposal card'));
    const confirm = buttonData(proposal, /confirm/i);
    // CONFIRM_TTL_SECONDS is 3 on this stage. The worker may expire the order first and the card then
    // loses its buttons on its own; a press that was already on its way must still be answered.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const answered = stage.fake.state.callbackAnswers.length;
    await frank.press(confirm, proposal!.messageId);
    await stage.waitFor(frank.chatId, () => stage.fake.state.callbackAnswers.length > answered, 'the answer');
    expect(stage.fake.state.callbackAnswers.at(-1)?.text).toBe(EXPIRED_ANSWER);
    await stage.waitFor(frank.chatId, () => proposal!.keyboard === undefined, 'the expired card');
    expect(proposal?.text).toMatch(/expired/i);
  });

  it('a press by someone else is refused with an alert and changes nothing', async () => {
    const group = -100_2000;
    const owner = stage.user({ userId: 1007, chatId: group, type: 'supergroup' });
    const other = stage.user({ userId: 1008, chatId: group, type: 'supergroup' });
    await owner.command('/buy 0.01 btc');
    const proposal = card(
      await stage.waitFor(group, (m) => card(m) !== undefined, 'a proposal card in the group'),
    );
    const before = { text: proposal!.text, edits: proposal!.edits.length };
    const answered = stage.fake.state.callbackAnswers.length;
    await other.press(buttonData(proposal, /confirm/i), proposal!.messageId);
    await stage.waitFor(group, () => stage.fake.state.callbackAnswers.length > answered, 'the refusal');
    expect(stage.fake.state.callbackAnswers.at(-1)).toMatchObject({ showAlert: true });
    expect(stage.fake.state.callbackAnswers.at(-1)?.text).toMatch(/only the person who asked/i);
    expect(proposal?.text).toBe(before.text);
    expect(proposal?.edits.length).toBe(before.edits);
    expect(proposal?.keyboard?.[0]).toHaveLength(2);
  });

  it('/subscribe by a non-admin in a group is refused', async () => {
    const group = -100_3000;
    const member = stage.user({ userId: 1009, chatId: group, type: 'supergroup' });
    stage.fake.setMember(group, 1009, 'member');
    await member.command('/subscribe');
    const [refusal] = await stage.waitFor(group, (m) => m.length > 0, 'the refusal');
    expect(refusal?.text).toMatch(/only admins/i);
    expect(
      stage.fake.state.calls.some(
        (c) => c.method === 'getChatMember' && String(c.payload.chat_id) === String(group),
      ),
    ).toBe(true);
  });

  it('/subscribe by a group administrator passes the admin check (the core then answers)', async () => {
    const group = -100_3001;
    const admin = stage.user({ userId: 1014, chatId: group, type: 'supergroup' });
    stage.fake.setMember(group, 1014, 'administrator');
    await admin.command('/subscribe BTC/USDT');
    const [answer] = await stage.waitFor(group, (m) => m.length > 0, 'the answer');
    expect(answer?.text).not.toMatch(/only admins/i);
  });

  it('takes exchange keys in a DM and deletes the message that held them', async () => {
    const gina = stage.user({ userId: 1010 });
    await gina.command('/keys link kraken APIKEY-1234567890 SECRET-abcdefghijklmnop');
    const [reply] = await stage.waitFor(gina.chatId, (m) => m.length > 0, 'the keys answer');
    expect(stage.fake.state.deleted.some((d) => d.chatId === String(gina.chatId))).toBe(true);
    expect(reply?.text).toMatch(/kraken/i);
    for (const m of stage.fake.messagesIn(gina.chatId))
      expect(m.text).not.toContain('SECRET-abcdefghijklmnop');
  });

  it('refuses keys in a group, and deletes them there too', async () => {
    const group = -100_4000;
    const hank = stage.user({ userId: 1011, chatId: group, type: 'supergroup' });
    await hank.command('/keys link kraken APIKEY-1234567890 SECRET-abcdefghijklmnop');
    const [refusal] = await stage.waitFor(group, (m) => m.length > 0, 'the refusal');
    expect(refusal?.text).toMatch(/direct message/i);
    expect(stage.fake.state.deleted.some((d) => d.chatId === String(group))).toBe(true);
  });

  it('answers a mention in a group, as a reply to it', async () => {
    const group = -100_5000;
    const ivy = stage.user({ userId: 1012, chatId: group, type: 'supergroup' });
    await ivy.say('@CryptoPulseTestBot price of eth');
    const [answer] = await stage.waitFor(group, (m) => m.length > 0, 'the answer');
    expect(answer?.text).toContain('ETH/USDT');
    expect(answer?.replyTo).toBeDefined();
  });

  it('transcribes a voice note and handles it as text', async () => {
    const jack = stage.user({ userId: 1013 });
    stage.fake.addFile(`voice-${mode}`, Buffer.from('buy 0.01 btc'));
    await jack.voice(`voice-${mode}`);
    const messages = await stage.waitFor(
      jack.chatId,
      (m) => card(m) !== undefined,
      'a proposal from the voice note',
    );
    expect(messages[0]?.text).toBe('🎙 Heard: “buy 0.01 btc”');
    expect(speech.requests.at(-1)?.model).toBe('whisper-1');
  });
});
