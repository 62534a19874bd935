/**
 * Alerts and order events from the trading core's stream reach the owner's DM, and only for what was
 * placed from Discord. Events are published with the trading core's own publisher; the user exists
 * through the identity service, as after a first message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { orderEventFeedFor } from '../../core/broadcast/order-events.ts';
import { createIdentityService } from '../../core/identity/service.ts';
import { redisEventPublisher } from '../../core/trading/order-events.ts';
import type { Json } from '../../test/fakes/discord/state.ts';
import { agentNotReached, type BotHarness, startHarness } from './testing/harness.ts';

describe('Discord notifications', () => {
  let h: BotHarness;
  afterEach(async () => h?.close());

  it('DMs a triggered alert and a fill to their Discord owner; events from Telegram are not ours', async () => {
    h = await startHarness('dc_notify');
    await h.start({
      agent: agentNotReached,
      commands: [],
      orderEvents: orderEventFeedFor(h.ctx),
    });
    const gina = h.fake.addUser('gina');
    const { userId } = await createIdentityService(h.ctx).resolveUser('discord', gina.id, 'gina');
    const publisher = redisEventPublisher(h.ctx.redis, h.ctx.keys);
    const at = new Date().toISOString();
    const order = {
      orderId: '5f0c2a4e-1111-4c3b-9a55-0123456789ab',
      userId,
      chatId: null,
      mode: 'paper' as const,
      symbol: 'ETH/USDT',
      side: 'sell' as const,
      amount: '0.500000000000000000',
      at,
    };
    await publisher.publish([
      {
        ...order,
        platform: 'telegram',
        type: 'order.filled',
        filledAmount: '0.5',
        avgPrice: '3000',
        fee: '1.5',
        feeCurrency: 'USDT',
      },
      {
        type: 'alert.triggered',
        triggerId: 'a1',
        userId,
        platform: 'discord',
        chatId: null,
        symbol: 'BTC/USDT',
        direction: 'below',
        level: '30000',
        price: '29950.5',
        note: 'buy the dip?',
        at,
      },
      {
        ...order,
        platform: 'discord',
        type: 'order.filled',
        filledAmount: '0.5',
        avgPrice: '3000',
        fee: '1.5',
        feeCurrency: 'USDT',
      },
    ]);
    const dm = await h.fake.state.waitFor(
      () => {
        const channel = h.fake.state.dmChannelOf(gina.id);
        const messages = channel ? h.fake.state.channelMessages(channel.id) : [];
        return messages.length >= 2 ? messages : undefined;
      },
      10_000,
      'two DMs',
    );
    const embeds = dm.map((m) => (m.body.embeds as Json[])[0]!);
    expect(embeds[0]).toMatchObject({
      title: '🔔 BTC/USDT is below 30000',
      description: 'Price 29950.5\nbuy the dip?',
    });
    expect(embeds[1]).toMatchObject({ title: 'SELL 0.5 ETH/USDT · paper', color: 0xe74c3c });
    expect(String(embeds[1]!.description)).toMatch(/Filled[\s\S]*0\.5 @ 3000[\s\S]*Fee 1\.5 USDT/);
    // The Telegram fill was not delivered here: exactly the two Discord events.
    expect(dm).toHaveLength(2);
  });

  it("a DM Discord refuses for now past the REST client's own retries is tried again by the feed, and told once", async () => {
    h = await startHarness('dc_notify_retry');
    await h.start({ agent: agentNotReached, commands: [], orderEvents: orderEventFeedFor(h.ctx) });
    const hugo = h.fake.addUser('hugo');
    const { userId } = await createIdentityService(h.ctx).resolveUser('discord', hugo.id, 'hugo');
    // Six 500s in a row for posts into a DM: discord.js tries a request four times, then its caller fails.
    let refusals = 6;
    h.fake.state.fault = (method, path) => {
      const dm = h.fake.state.dmChannelOf(hugo.id);
      return method === 'POST' && dm && path.includes(`/channels/${dm.id}/messages`) && refusals-- > 0
        ? { status: 500, body: { message: '500: Internal Server Error', code: 0 } }
        : undefined;
    };
    await redisEventPublisher(h.ctx.redis, h.ctx.keys).publish([
      {
        type: 'alert.triggered',
        triggerId: 'a2',
        userId,
        platform: 'discord',
        chatId: null,
        symbol: 'BTC/USDT',
        direction: 'above',
        level: '70000',
        price: '70001',
        note: null,
        at: new Date().toISOString(),
      },
    ]);
    const messages = () => {
      const channel = h.fake.state.dmChannelOf(hugo.id);
      return channel ? h.fake.state.channelMessages(channel.id) : [];
    };
    await h.fake.state.waitFor(() => (messages().length ? true : undefined), 30_000, 'the alert DM');
    await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would arrive now
    h.fake.state.fault = undefined;
    expect(refusals).toBeLessThan(0);
    expect(messages().map((m) => (m.body.embeds as Json[])[0]!.title)).toEqual([
      '🔔 BTC/USDT is above 70000',
    ]);
  }, 45_000);
});
