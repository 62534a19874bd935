/**
 * Order and alert events published by the trading core's real publisher reach the owner's Telegram DM
 * (found through their linked account), in polling mode. Progress-only events (and a proposal that lapsed
 * unconfirmed) do not notify; a confirmed order that expired does, with why. Events
 * of orders placed from another platform are left to that platform's adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEventFeedFor } from '../../core/broadcast/order-events.ts';
import { createIdentityService } from '../../core/identity/service.ts';
import { type OrderEventMessage, redisEventPublisher } from '../../core/trading/order-events.ts';
import type { AgentEntry } from './deps.ts';
import { type Stage, startStage } from './testing/harness.ts';

const unreachableCore: AgentEntry = {
  answer: async () => {
    throw new Error('notifications must not reach the agent');
  },
};

describe('Telegram notifications from order events (polling mode)', () => {
  let stage: Stage;
  let userId: string;
  const telegramId = 7001;

  beforeAll(async () => {
    stage = await startStage('polling', async (app) => ({
      deps: { agent: unreachableCore, transcriber: null, orderEvents: orderEventFeedFor(app) },
    }));
    const identity = createIdentityService(stage.context.app);
    userId = (await identity.resolveUser('telegram', String(telegramId), 'alice')).userId;
  });
  afterAll(async () => stage?.stop());

  const base = (over: Record<string, string> = {}) => ({
    orderId: '00000000-0000-4000-8000-000000000001',
    userId,
    platform: 'telegram',
    chatId: '-1001234',
    mode: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    amount: '0.0100',
    at: new Date().toISOString(),
    ...over,
  });

  it('tells the owner in their DM when the order fills, an alert fires or execution fails', async () => {
    const publisher = redisEventPublisher(stage.context.app.redis, stage.context.app.keys);
    const events = [
      { ...base(), type: 'order.queued' },
      { ...base(), type: 'order.submitted' },
      {
        ...base({ platform: 'discord' }),
        type: 'order.filled',
        filledAmount: '1',
        avgPrice: '1',
        fee: '0',
        feeCurrency: 'USDT',
      },
      {
        ...base(),
        type: 'order.filled',
        filledAmount: '0.0100',
        avgPrice: '64000.50',
        fee: '0.640005',
        feeCurrency: 'USDT',
      },
      {
        type: 'alert.triggered',
        triggerId: 't1',
        userId,
        platform: 'telegram',
        chatId: String(telegramId),
        symbol: 'ETH/USDT',
        direction: 'above',
        level: '3000',
        price: '3001.25',
        note: 'take <profit> & run',
        at: new Date().toISOString(),
      },
      {
        ...base({ side: 'sell' }),
        type: 'order.failed',
        code: 'ERR_INSUFFICIENT_FUNDS',
        message: 'Insufficient balance for that order.',
      },
      // A proposal left unconfirmed: only its card changes.
      { ...base(), type: 'order.expired' },
      // A confirmed order that ended unexecuted says why, and the owner is told.
      {
        ...base({ side: 'sell' }),
        type: 'order.expired',
        message: 'This order was not executed within the allowed time after you confirmed it.',
      },
    ];
    await publisher.publish(events as OrderEventMessage[]);
    const messages = await stage.waitFor(telegramId, (m) => m.length >= 4, 'four notifications');
    expect(messages.map((m) => m.text)).toEqual([
      '✅ Filled: Bought 0.01 BTC at 64,000.5, fee 0.640005 USDT (paper)',
      '🔔 Alert: ETH/USDT is above 3,000 (now 3,001.25)\ntake <profit> & run',
      '❌ Not executed: sell 0.01 BTC/USDT (paper). Insufficient balance for that order.',
      '⌛ Expired: sell 0.01 BTC/USDT (paper). This order was not executed within the allowed time after you confirmed it.',
    ]);
    expect(messages[0]?.entities.map((e) => e.type)).toEqual(['bold']);
  });

  it("a DM Telegram refuses for now past the outbox's own retries is tried again by the feed, and told once", async () => {
    const before = stage.fake.messagesIn(String(telegramId)).length;
    // Five 500s in a row for the DM: the outbox retries a call three times, then its caller gets the 500.
    let refusals = 5;
    stage.fake.fault = (method, params) =>
      method === 'sendMessage' && String(params.chat_id) === String(telegramId) && refusals-- > 0
        ? { ok: false, error_code: 500, description: 'Internal Server Error' }
        : undefined;
    try {
      await redisEventPublisher(stage.context.app.redis, stage.context.app.keys).publish([
        {
          ...base({ orderId: '00000000-0000-4000-8000-000000000002' }),
          type: 'order.triggered',
          price: '63000',
        },
      ] as OrderEventMessage[]);
      const messages = await stage.waitFor(telegramId, (m) => m.length > before, 'the triggered notice');
      await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would arrive now
      expect(refusals).toBeLessThan(0);
      expect(
        stage.fake
          .messagesIn(String(telegramId))
          .slice(before)
          .map((m) => m.text),
      ).toEqual(['🎯 Triggered at 63,000: buy 0.01 BTC/USDT (paper)']);
      expect(messages.length).toBe(before + 1);
    } finally {
      stage.fake.fault = undefined;
    }
  }, 40_000);
});
