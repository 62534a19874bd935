/**
 * What the Telegram adapter does on its own, before or without the core: webhook authentication, the
 * command menus, presses of buttons that are not ours, voice notes when transcription is off. The agent
 * here refuses to be called, so each test also proves the core was not asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEntry, CommandInfo } from './deps.ts';
import { VOICE_DISABLED } from './features/voice.ts';
import { type Stage, startStage, WEBHOOK_SECRET } from './testing/harness.ts';
import { SECRET_HEADER } from './webhook.ts';

const unreachableCore: AgentEntry = {
  answer: async () => {
    throw new Error('these paths must not reach the core');
  },
};

const COMMANDS: readonly CommandInfo[] = [
  { name: 'price', description: 'Price of a market' },
  { name: 'keys', description: 'Exchange API keys (DM only)', scopes: ['dm'], secretArgs: ['api_key'] },
  {
    name: 'subscribe',
    description: 'Post signals in this chat',
    scopes: ['group', 'channel'],
    adminInGroups: true,
  },
  { name: 'start', description: 'Start', aliases: ['help'] },
];

describe('Telegram adapter without the core (webhook mode)', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await startStage('webhook', { agent: unreachableCore, commands: COMMANDS, transcriber: null });
  });
  afterAll(async () => stage?.stop());

  it('registers the webhook with its secret, and the route refuses calls without it', async () => {
    expect(stage.fake.state.webhook).toEqual({ url: stage.webhookUrl, secret: WEBHOOK_SECRET });
    const update = JSON.stringify({
      update_id: 999,
      message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, text: 'hi' },
    });
    const post = (headers: Record<string, string>) =>
      fetch(stage.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: update,
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ [SECRET_HEADER]: 'wrong-secret-0123456789abcdef' })).status).toBe(401);
    expect((await post({ [SECRET_HEADER]: WEBHOOK_SECRET.slice(0, -1) })).status).toBe(401);
    const notAnUpdate = await fetch(stage.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(notAnUpdate.status).toBe(400);
  });

  it('sets the command menus per scope from the registry', () => {
    const menu = (type: string) =>
      stage.fake.state.commands.get(JSON.stringify({ type }))?.map((c) => c.command);
    expect(menu('all_private_chats')).toEqual(['price', 'keys', 'start']);
    expect(menu('all_group_chats')).toEqual(['price', 'subscribe', 'start']);
  });

  it('answers a press of a button that is not ours, without asking the core', async () => {
    const user = stage.user({ userId: 501 });
    await user.press('someone-else:payload', 1);
    const deadline = Date.now() + 10_000;
    while (!stage.fake.state.callbackAnswers.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(stage.fake.state.callbackAnswers).toEqual([
      expect.objectContaining({ text: 'This button is no longer valid.', showAlert: false }),
    ]);
  });

  it('says how to enable voice notes when no transcriber is configured', async () => {
    const user = stage.user({ userId: 502 });
    await user.voice('voice-1');
    const [reply] = await stage.waitFor(user.chatId, (m) => m.length > 0, 'the voice-notes notice');
    expect(reply?.text).toContain('Voice notes are not enabled');
    expect(reply?.text).toContain('TRANSCRIBE_MODEL');
    expect(VOICE_DISABLED).toContain('OPENAI_API_KEY');
  });

  it('ignores group chatter that neither mentions nor replies to the bot', async () => {
    const member = stage.user({ userId: 503, chatId: -100503, type: 'supergroup' });
    await member.say('gm everyone, btc looks strong');
    await member.voice('voice-2');
    // A later message that is answered shows the earlier ones were passed over, not still pending.
    await member.command('/unknown@SomeOtherBot');
    const probe = stage.user({ userId: 504 });
    await probe.voice('voice-3');
    await stage.waitFor(probe.chatId, (m) => m.length > 0, 'the probe answer');
    expect(stage.fake.messagesIn(member.chatId)).toEqual([]);
  });
});
