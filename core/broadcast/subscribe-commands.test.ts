/**
 * /subscribe, /unsubscribe and /subscriptions through the agent, with the real identity and
 * subscription services; a Telegram channel is subscribed from a DM after the real grammY client
 * checked it on the fake Bot API, and each missing right is named.
 */
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramChannelAccess } from '../../bots/telegram/channel-access.ts';
import { FakeBotApi } from '../../test/fakes/telegram/server.ts';
import { createAgent } from '../agent/agent.ts';
import { identityPort } from '../agent/bindings.ts';
import type { Inbound } from '../agent/inbound.ts';
import { textOf } from '../agent/testing/harness.ts';
import { createIdentityService } from '../identity/service.ts';
import { createTradingTestContext, type TradingTestContext } from '../trading/testing/app-context.ts';
import { Subscriptions } from './subscriptions.ts';
import { subscriptionsPort } from './subscriptions-port.ts';

const TOKEN = '4242:subscribe-test';

describe('subscription commands', () => {
  let t: TradingTestContext;
  let fake: FakeBotApi;
  let say: (inbound: Partial<Inbound> & { command: string; args: string }) => Promise<string>;

  beforeAll(async () => {
    t = await createTradingTestContext('subcmd');
    fake = new FakeBotApi({ token: TOKEN });
    const apiRoot = await fake.start();
    const agent = createAgent({
      services: {
        identity: identityPort(createIdentityService(t.app)),
        subscriptions: subscriptionsPort(t.app.db, {
          telegram: telegramChannelAccess(new Api(TOKEN, { apiRoot })),
        }),
      },
      config: t.app.config,
      logger: t.app.logger,
      db: t.app.db,
      redis: t.app.redis,
      keys: t.app.keys,
      llm: null,
    });
    say = async (i) =>
      textOf(
        await agent.handle({
          platform: 'telegram',
          platformUserId: '501',
          chatId: '501',
          chatKind: 'dm',
          kind: 'command',
          ...i,
        } as Inbound),
      );
  });
  afterAll(async () => {
    await fake?.stop();
    await t?.close();
  });

  it('subscribes a group with its filters, updates them on a second /subscribe, and lists them', async () => {
    const group = { chatId: '-1009', chatKind: 'group', isChatAdmin: true } as const;
    expect(await say({ ...group, command: 'subscribe', args: 'btc, eth/usd 70% live' })).toMatch(
      /Subscribed.*This chat will receive LIVE signals for BTC, ETH\/USD with confidence ≥ 70%/,
    );
    expect(await say({ ...group, command: 'subscribe', args: 'sol' })).toMatch(
      /Subscription updated.*PAPER signals for SOL:/,
    );
    const row = await new Subscriptions(t.app.db).get('telegram', '-1009');
    expect(row).toMatchObject({
      pairs: ['SOL'],
      minConfidence: 0,
      mode: 'paper',
      adminPlatformUserId: '501',
    });
    expect(await say({ ...group, command: 'subscriptions', args: '' })).toMatch(
      /-1009.*PAPER signals for SOL/,
    );
    expect(await say({ ...group, command: 'subscribe', args: 'not-a-pair!' })).toMatch(/is not a pair/);
    // A bare number is a confidence written another way, never a pair; the subscription stays as it was.
    for (const args of ['sol 70', 'btc 7', 'eth -0.5', 'btc 150%']) {
      expect(await say({ ...group, command: 'subscribe', args }), args).toMatch(
        /confidence.*(0% (to|and) 100%)/,
      );
    }
    expect(await new Subscriptions(t.app.db).get('telegram', '-1009')).toMatchObject({ pairs: ['SOL'] });
    expect(await say({ ...group, isChatAdmin: false, command: 'unsubscribe', args: '' })).toMatch(
      /Only admins/,
    );
    expect(await say({ ...group, command: 'unsubscribe', args: '' })).toMatch(/Unsubscribed/);
    expect(await new Subscriptions(t.app.db).get('telegram', '-1009')).toBeUndefined();
  });

  it('subscribes a Telegram channel from a DM only when the user administers it and the bot may post', async () => {
    fake.addChat({ id: -100777, type: 'channel', title: 'Pulse Calls', username: 'pulsecalls' });
    expect(await say({ command: 'subscribe', args: '@nochannel' })).toMatch(/cannot see that channel/);
    expect(await say({ command: 'subscribe', args: '@pulsecalls' })).toMatch(
      /you are not an administrator of Pulse Calls; I need to be an administrator of Pulse Calls with the right to post/,
    );
    fake.setMember(-100777, 501, 'creator');
    fake.setMember(-100777, 666, 'administrator', { can_post_messages: false });
    expect(await say({ command: 'subscribe', args: '@pulsecalls' })).toMatch(
      /I need to be an administrator.*post/,
    );
    expect(await new Subscriptions(t.app.db).get('telegram', '-100777')).toBeUndefined();
    fake.setMember(-100777, 666, 'administrator', { can_post_messages: true });
    expect(await say({ command: 'subscribe', args: '@pulsecalls BTC 0.6' })).toMatch(
      /Pulse Calls will receive PAPER signals for BTC with confidence ≥ 60%/,
    );
    expect(await new Subscriptions(t.app.db).get('telegram', '-100777')).toMatchObject({
      chatKind: 'channel',
      chatTitle: 'Pulse Calls',
    });
    expect(await say({ command: 'subscriptions', args: '' })).toMatch(/Pulse Calls.*BTC/);
    expect(await say({ command: 'unsubscribe', args: '@pulsecalls' })).toMatch(
      /no more signals in Pulse Calls/,
    );
  });
});
