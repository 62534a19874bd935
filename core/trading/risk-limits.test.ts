/**
 * Risk checks at proposal and again at execution: limits, the kill switch and the live-trading gate. The
 * limits run against both executors (executor.ts): the paper broker, and ccxt's real Binance class on
 * the exchange fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../identity/types.ts';
import { createKeysService } from '../vault/service.ts';
import { liveExecutor, type OrderExecutor, paperExecutor } from './executor.ts';
import { executeLiveOrder } from './live-executor.ts';
import { createTradingHarness, type TradingHarness } from './testing/harness.ts';
import { createLiveHarness } from './testing/live.ts';

interface Venue {
  readonly h: TradingHarness;
  readonly executor: OrderExecutor;
  /** A trader who may trade on this venue (paper; or keys linked and live mode on). */
  trader(name: string): Promise<Actor>;
  /** A market the per-minute test proposes on, with an amount above its minimum. */
  readonly small: { readonly symbol: string; readonly amount: string; readonly resolved: string };
}

const RISK_ENV = { ADMIN_ACCOUNTS: 'telegram:op', ORDERS_PER_MINUTE: '5' };

async function paperVenue(): Promise<Venue> {
  const h = await createTradingHarness('risk', RISK_ENV);
  return {
    h,
    executor: paperExecutor(h.deps),
    trader: (name) => h.user(name),
    small: { symbol: 'xrp', amount: '20', resolved: 'XRP/USDT' },
  };
}

async function ccxtVenue(): Promise<Venue> {
  const h = await createLiveHarness('binance', 'risk-live', RISK_ENV);
  return {
    h,
    executor: liveExecutor(h.live),
    trader: (name) => h.liveUser(name),
    small: { symbol: 'sol', amount: '1', resolved: 'SOL/USDT' },
  };
}

for (const [name, open] of [
  ['paper broker', paperVenue],
  ['ccxt binance on the exchange fake', ccxtVenue],
] as const)
  describe(`risk limits (${name})`, () => {
    let venue: Venue;
    let h: TradingHarness;
    let alice: Actor;
    let operator: Actor;
    beforeAll(async () => {
      venue = await open();
      h = venue.h;
      alice = await venue.trader('alice');
      operator = await h.user('op');
    });
    afterAll(() => h.close());

    const limits = (
      userId: string,
      over: Partial<{
        maxOrderNotional: string;
        maxPositionNotional: string;
        dailyLossLimit: string;
        ordersPerMinute: number;
      }>,
    ) =>
      h.app.db.riskLimit.upsert({
        where: { userId },
        create: {
          userId,
          maxOrderNotional: '100000',
          maxPositionNotional: '100000',
          dailyLossLimit: '100000',
          ordersPerMinute: 100,
          ...over,
        },
        update: over,
      });

    it('refuses an order above the per-order notional and says the limit', async () => {
      await limits(alice.userId, { maxOrderNotional: '500' });
      await expect(
        h.service.propose(alice, { symbol: 'btc', side: 'buy', amount: '0.01' }),
      ).rejects.toMatchObject({
        code: 'ERR_RISK_LIMIT',
        userMessage: expect.stringContaining('500 USDT'),
      });
      await limits(alice.userId, { maxOrderNotional: '100000' });
    });

    it('refuses a buy that would take the position above the per-asset limit', async () => {
      await limits(alice.userId, { maxPositionNotional: '1000' });
      await expect(
        h.service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.5' }),
      ).rejects.toMatchObject({
        code: 'ERR_RISK_LIMIT',
        details: { limit: 'maxPositionNotional' },
      });
      await limits(alice.userId, { maxPositionNotional: '100000' });
    });

    it('stops buying, not selling, once the daily realised loss reaches the limit', async () => {
      const p = await h.service.propose(alice, { symbol: 'sol', side: 'buy', amount: '10' });
      await h.service.confirm(p.handle, alice);
      await venue.executor.execute(p.orderId);
      await limits(alice.userId, { dailyLossLimit: '0.5' }); // the buy's fee alone is a realised loss > 0.5
      await expect(
        h.service.propose(alice, { symbol: 'sol', side: 'buy', amount: '1' }),
      ).rejects.toMatchObject({
        details: { limit: 'dailyLossLimit' },
      });
      expect((await h.service.propose(alice, { symbol: 'sol', side: 'sell', amount: '1' })).side).toBe(
        'sell',
      );
      await limits(alice.userId, { dailyLossLimit: '100000' });
    });

    it('limits proposals per minute (default from ORDERS_PER_MINUTE)', async () => {
      const bob = await venue.trader('bob');
      const { symbol, amount, resolved } = venue.small;
      for (let i = 0; i < 5; i++) await h.service.propose(bob, { symbol, side: 'buy', amount });
      await expect(h.service.propose(bob, { symbol, side: 'buy', amount })).rejects.toMatchObject({
        details: { limit: 'ordersPerMinute' },
      });
      h.clock.now += 61_000;
      expect((await h.service.propose(bob, { symbol, side: 'buy', amount })).symbol).toBe(resolved);
    });

    it('re-checks at execution: a kill switch thrown after confirmation rejects the queued order', async () => {
      const p = await h.service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' });
      await h.service.confirm(p.handle, alice);
      await expect(h.service.setKillSwitch(alice, true)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
      await h.service.setKillSwitch(operator, true);
      const outcome = await venue.executor.execute(p.orderId);
      expect(outcome).toMatchObject({ kind: 'rejected', error: { code: 'ERR_KILL_SWITCH' } });
      expect((await h.service.order(p.orderId, alice)).status).toBe('REJECTED');
      await expect(
        h.service.propose(alice, { symbol: 'eth', side: 'buy', amount: '0.1' }),
      ).rejects.toMatchObject({
        code: 'ERR_KILL_SWITCH',
      });
      await h.service.setKillSwitch(operator, false);
      expect(await h.app.db.auditLog.count({ where: { action: { startsWith: 'risk.kill_switch' } } })).toBe(
        2,
      );
    });
  });

describe('the live-trading gate', () => {
  it('needs the operator switch, the user opt-in and linked keys, at proposal and at execution', async () => {
    const off = await createTradingHarness('live-gate-off', { LIVE_TRADING_ENABLED: 'false' });
    try {
      const u = await off.user('u');
      await expect(off.service.setMode(u, 'live')).rejects.toMatchObject({ code: 'ERR_LIVE_DISABLED' });
      await expect(
        off.service.propose(u, { symbol: 'btc', side: 'buy', amount: '0.001', mode: 'live' }),
      ).rejects.toMatchObject({
        code: 'ERR_LIVE_DISABLED',
      });
      expect(await off.service.getMode(u)).toBe('paper');
    } finally {
      await off.close();
    }
    // Live needs a venue whose orders can be looked up by client id: Binance, on the exchange fake.
    const on = await createLiveHarness('binance', 'live-gate-on');
    try {
      const u = await on.user('u');
      // No keys: cannot opt in, cannot propose live.
      await expect(on.service.setMode(u, 'live')).rejects.toMatchObject({ code: 'ERR_LIVE_DISABLED' });
      await expect(
        on.service.propose(u, { symbol: 'btc', side: 'buy', amount: '0.001', mode: 'live' }),
      ).rejects.toMatchObject({
        code: 'ERR_LIVE_DISABLED',
      });
      // Keys linked: opt in, propose live, confirm...
      on.fake.state.accounts.set('gate-key-123456', 'gate-secret-123456');
      await createKeysService(on.app).link(u, {
        exchange: 'binance',
        apiKey: 'gate-key-123456',
        secret: 'gate-secret-123456',
      });
      expect(await on.service.setMode(u, 'live')).toBe('live');
      const p = await on.service.propose(u, { symbol: 'btc', side: 'buy', amount: '0.001' });
      expect(p.mode).toBe('live');
      // ...then the user opts out before it runs: execution re-checks and refuses.
      await on.service.setMode(u, 'paper');
      await on.service.confirm(p.handle, u);
      const outcome = await executeLiveOrder(on.live, p.orderId);
      expect(outcome).toMatchObject({ kind: 'rejected', error: { code: 'ERR_LIVE_DISABLED' } });
    } finally {
      await on.close();
    }
  });
});
