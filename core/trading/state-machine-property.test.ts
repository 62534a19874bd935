/**
 * Property: any sequence of propose / confirm (by the owner or someone else) / decline / cancel / fill /
 * expire / market moves that fire triggers and resting orders leaves the state machine and the books
 * intact: every order's history is a legal path, each order is queued and filled at most once. It runs
 * against both executors (executor.ts): the paper broker, where no paper balance is negative, quantities,
 * fees and cash add up exactly and reservations match resting orders; and ccxt's real Binance class on
 * the exchange fake, where each order is placed at most once, the venue's state and ours agree, and
 * positions are the sum of the venue's fills.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor } from '../identity/types.ts';
import { Decimal, dec } from '../market/decimal.ts';
import { liveExecutor, type OrderExecutor, paperExecutor } from './executor.ts';
import { canTransition, type OrderStatus } from './order-states.ts';
import { createTradingHarness, T0, type TradingHarness } from './testing/harness.ts';
import { createLiveHarness, type LiveHarness } from './testing/live.ts';
import { evaluateTriggers, expireStale } from './triggers.ts';

type Command =
  | {
      op: 'propose';
      user: 0 | 1;
      symbol: 'BTC/USDT' | 'ETH/USDT';
      side: 'buy' | 'sell';
      steps: number;
      kind: 'market' | 'limit' | 'above' | 'below';
      offsetBps: number;
    }
  | { op: 'confirm'; pick: number; byOwner: boolean }
  | { op: 'decline'; pick: number }
  | { op: 'cancel'; pick: number }
  | { op: 'fill'; pick: number }
  | { op: 'move'; minutes: number }
  | { op: 'expire' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('propose' as const),
      user: fc.constantFrom(0 as const, 1 as const),
      symbol: fc.constantFrom('BTC/USDT' as const, 'ETH/USDT' as const),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      steps: fc.integer({ min: 1, max: 60 }),
      kind: fc.constantFrom('market' as const, 'limit' as const, 'above' as const, 'below' as const),
      offsetBps: fc.integer({ min: -30, max: 30 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('confirm' as const),
      pick: fc.nat(),
      byOwner: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('decline' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('fill' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('move' as const), minutes: fc.integer({ min: 1, max: 9 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'expire' as const }) },
);

/**
 * Run first on every venue, whatever the seed: a marketable limit buy and a buy whose trigger is already
 * met, each confirmed and executed, so a limit fill and a triggered fill are always among the books
 * checked (random sequences reach them only now and then: the live venue runs fewer of them).
 * `pick: 3` is the newest proposal or queued order.
 */
const REACHES_LIMIT_AND_TRIGGERED_FILLS: Command[] = [
  { op: 'propose', user: 0, symbol: 'BTC/USDT', side: 'buy', steps: 5, kind: 'limit', offsetBps: 30 },
  { op: 'confirm', pick: 3, byOwner: true },
  { op: 'fill', pick: 3 },
  { op: 'propose', user: 0, symbol: 'ETH/USDT', side: 'buy', steps: 5, kind: 'above', offsetBps: -30 },
  { op: 'confirm', pick: 3, byOwner: true },
  { op: 'move', minutes: 1 },
  { op: 'fill', pick: 3 },
  { op: 'move', minutes: 1 },
];

const STEP = { 'BTC/USDT': new Decimal('0.001'), 'ETH/USDT': new Decimal('0.01') };
const _TICK = new Decimal('0.01');

type OrderRecord = Awaited<ReturnType<TradingHarness['app']['db']['order']['findMany']>>[number];

/** Where the orders execute: the harness, its executor, and what the venue's books must satisfy. */
interface Venue {
  readonly h: TradingHarness;
  readonly executor: OrderExecutor;
  /** Limit and trigger levels are rounded to this many decimals (the venue's price step). */
  readonly levelDecimals: number;
  readonly numRuns: number;
  user(name: string, platform?: 'telegram' | 'discord'): Promise<Actor>;
  /** The market moves with the clock (the sim by itself; the fake by the walk below). */
  move(minutes: number): Promise<void>;
  checkVenue(users: Actor[], orders: OrderRecord[]): Promise<void>;
  close(): Promise<void>;
}

const ENV = { ORDERS_PER_MINUTE: '1000', CONFIRM_TTL_SECONDS: '600' };

async function paperVenue(): Promise<Venue> {
  const h = await createTradingHarness('property', ENV);
  return {
    h,
    executor: paperExecutor(h.deps),
    levelDecimals: 2,
    numRuns: 40,
    user: async (name, platform) => {
      const u = await h.user(name, platform);
      await h.service.portfolio(u, 'paper'); // opens the paper account
      return u;
    },
    move: async (minutes) => {
      h.clock.now += minutes * 60_000;
    },
    checkVenue: (users, orders) => checkPaperBooks(h, users, orders),
    close: () => h.close(),
  };
}

async function ccxtVenue(): Promise<Venue> {
  const h: LiveHarness = await createLiveHarness('binance', 'property-live', ENV);
  const start = new Map(h.fake.state.markets.map((m) => [m.base, new Decimal(m.price)]));
  return {
    h,
    executor: liveExecutor(h.live),
    levelDecimals: 1,
    numRuns: 25,
    user: (name) => h.liveUser(name),
    move: async (minutes) => {
      h.clock.now += minutes * 60_000;
      // A deterministic walk within ±1.2 % of the opening price; the venue fills the limits it crosses.
      const step = Math.round((h.clock.now - T0) / 60_000);
      for (const m of h.fake.state.markets) {
        const swing = new Decimal(Math.sin(step / 3) * 0.012).toDecimalPlaces(6).add(1);
        h.fake.state.setPrice(m.base, m.quote, start.get(m.base)!.mul(swing).toFixed(m.priceDecimals));
      }
    },
    checkVenue: (users, orders) => checkVenueBooks(h, users, orders),
    async close() {
      for (const m of h.fake.state.markets)
        h.fake.state.setPrice(m.base, m.quote, start.get(m.base)!.toFixed());
      await h.close();
    },
  };
}

/** Paper: no negative balance, reservations = resting orders, cash and coins add up to the fills. */
async function checkPaperBooks(h: TradingHarness, users: Actor[], orders: OrderRecord[]) {
  for (const user of users) {
    const balances = await h.app.db.paperBalance.findMany({ where: { userId: user.userId } });
    const fills = await h.app.db.fill.findMany({
      where: { order: { userId: user.userId } },
      include: { order: true },
    });
    const resting = orders.filter((o) => o.userId === user.userId && o.status === 'SUBMITTED');
    const held = (asset: string) => balances.find((b) => b.asset === asset);
    let cash = dec(h.app.config.PAPER_START_BALANCE);
    let realized = new Decimal(0);
    const qty = new Map<string, Decimal>();
    for (const f of fills) {
      const base = f.order.symbol.split('/')[0]!;
      const notional = dec(f.price).mul(dec(f.amount));
      const sign = f.order.side === 'BUY' ? 1 : -1;
      cash = cash.sub(notional.mul(sign)).sub(dec(f.fee));
      qty.set(base, (qty.get(base) ?? new Decimal(0)).add(dec(f.amount).mul(sign)));
      realized = realized.add(dec(f.realizedPnl));
    }
    for (const b of balances) {
      expect(dec(b.free).gte(0), `${b.asset} free`).toBe(true);
      expect(dec(b.locked).gte(0), `${b.asset} locked`).toBe(true);
      const reserved = resting
        .filter((o) => o.reservedAsset === b.asset)
        .reduce((s, o) => s.add(dec(o.reservedAmount)), new Decimal(0));
      expect(dec(b.locked).toFixed(), `${b.asset} locked = reservations`).toBe(reserved.toFixed());
    }
    const usdt = held('USDT');
    expect(
      dec(usdt?.free ?? 0)
        .add(dec(usdt?.locked ?? 0))
        .toFixed(),
      'cash adds up',
    ).toBe(cash.toFixed());
    let heldAtCost = new Decimal(0);
    for (const [asset, q] of qty) {
      const b = held(asset);
      expect(
        dec(b?.free ?? 0)
          .add(dec(b?.locked ?? 0))
          .toFixed(),
        `${asset} adds up`,
      ).toBe(q.toFixed());
      const position = await h.app.db.position.findUnique({
        where: { userId_mode_asset: { userId: user.userId, mode: 'PAPER', asset } },
      });
      expect(dec(position?.quantity ?? 0).toFixed()).toBe(q.toFixed());
      heldAtCost = heldAtCost.add(q.mul(dec(position?.avgEntry ?? 0)));
    }
    // cash + holdings at cost = start + realised PnL (avg entry is rounded at 18 places).
    const gap = cash.add(heldAtCost).sub(dec(h.app.config.PAPER_START_BALANCE).add(realized)).abs();
    expect(gap.lt('0.000001'), `PnL identity off by ${gap}`).toBe(true);
  }
}

/** Which venue states each of our states allows (undefined: the venue never saw the order). */
const AT_VENUE: Record<OrderStatus, readonly (string | undefined)[]> = {
  PROPOSED: [undefined],
  CONFIRMED: [undefined],
  QUEUED: [undefined],
  SUBMITTED: ['open', undefined],
  PARTIALLY_FILLED: ['open'],
  FILLED: ['closed'],
  CANCELLED: ['canceled', undefined],
  REJECTED: [undefined],
  FAILED: [undefined],
  EXPIRED: [undefined, 'canceled'],
};

/** The venue: each order placed at most once, its state and ours agree, positions replay its fills. */
async function checkVenueBooks(h: LiveHarness, users: Actor[], orders: OrderRecord[]) {
  expect(h.fake.state.duplicateAttempts, 'second placements').toBe(0);
  for (const o of orders) {
    const placed = h.fake.state.orders.filter((x) => x.clientOrderId === o.clientOrderId);
    expect(placed.length, `${o.id} placed`).toBeLessThanOrEqual(1);
    const remote = placed[0];
    expect(AT_VENUE[o.status], `${o.status} with the venue's order ${remote?.status}`).toContain(
      remote?.status,
    );
    if (remote) expect(o.exchangeOrderId ?? remote.id).toBe(remote.id);
    if (o.status === 'FILLED') expect(dec(o.filledAmount).toFixed()).toBe(dec(remote!.filled).toFixed());
  }
  for (const user of users) {
    const fills = await h.app.db.fill.findMany({
      where: { order: { userId: user.userId } },
      include: { order: true },
      orderBy: { at: 'asc' },
    });
    // Buyers receive the amount less a fee in base; a sell reduces what we track, never below zero.
    const qty = new Map<string, Decimal>();
    for (const f of fills) {
      const base = f.order.symbol.split('/')[0]!;
      const q = qty.get(base) ?? new Decimal(0);
      const amount = dec(f.amount);
      const baseFee = f.feeCurrency === base ? dec(f.fee) : new Decimal(0);
      qty.set(base, f.order.side === 'BUY' ? q.add(amount).sub(baseFee) : q.sub(Decimal.min(q, amount)));
    }
    for (const [asset, q] of qty) {
      const position = await h.app.db.position.findUnique({
        where: { userId_mode_asset: { userId: user.userId, mode: 'LIVE', asset } },
      });
      expect(dec(position?.quantity ?? 0).toFixed(), `${asset} position`).toBe(q.toFixed());
    }
  }
}

for (const [name, open] of [
  ['paper broker', paperVenue],
  ['ccxt binance on the exchange fake', ccxtVenue],
] as const) {
  describe(`property: the state machine and the books never break (${name})`, () => {
    let venue: Venue;
    let h: TradingHarness;
    let run = 0;
    beforeAll(async () => {
      venue = await open();
      h = venue.h;
    });
    afterAll(() => venue.close());

    async function execute(
      cmd: Command,
      users: Actor[],
      proposals: { orderId: string; handle: string; owner: number }[],
    ) {
      // Mostly one of the three newest (still open), sometimes any.
      const pick = <T>(list: T[], n: number) =>
        list.length
          ? list[n % 5 === 0 ? n % list.length : Math.max(0, list.length - 1 - (n % 3))]
          : undefined;
      switch (cmd.op) {
        case 'propose': {
          const actor = users[cmd.user]!;
          const last = dec((await h.market.ticker(cmd.symbol)).last);
          const level = last
            .mul(new Decimal(cmd.offsetBps).div(10_000).add(1))
            .toDecimalPlaces(venue.levelDecimals)
            .toFixed();
          // Sells are mostly a share of the holding (so they can succeed), sometimes a raw amount.
          const amount =
            cmd.side === 'sell' && cmd.steps % 3 !== 0
              ? { unit: 'percent' as const, value: cmd.steps % 2 ? 50 : 100 }
              : STEP[cmd.symbol].mul(cmd.steps).toFixed();
          const p = await h.service.propose(actor, {
            symbol: cmd.symbol,
            side: cmd.side,
            amount,
            ...(cmd.kind === 'limit' ? { type: 'limit' as const, limitPrice: level } : {}),
            ...(cmd.kind === 'above' || cmd.kind === 'below'
              ? { trigger: { direction: cmd.kind, price: level } }
              : {}),
          });
          proposals.push({ orderId: p.orderId, handle: p.handle, owner: cmd.user });
          return;
        }
        case 'confirm': {
          const p = pick(proposals, cmd.pick);
          if (p) await h.service.confirm(p.handle, users[cmd.byOwner ? p.owner : 1 - p.owner]!);
          return;
        }
        case 'decline': {
          const p = pick(proposals, cmd.pick);
          if (p) await h.service.decline(p.handle, users[p.owner]!);
          return;
        }
        case 'cancel': {
          // Often an order resting at the venue (a limit that has not crossed), else any.
          const resting =
            cmd.pick % 3 === 0
              ? await h.app.db.order.findFirst({
                  where: { id: { in: proposals.map((x) => x.orderId) }, status: 'SUBMITTED' },
                  select: { id: true },
                })
              : undefined;
          const p = proposals.find((x) => x.orderId === resting?.id) ?? pick(proposals, cmd.pick);
          if (!p) return;
          const view = await h.service.cancel(p.orderId, users[p.owner]!);
          // Open at the exchange: the chat marks it, and the worker's pass cancels it there.
          if (view.cancelRequestedAt) await venue.executor.cancel(p.orderId);
          return;
        }
        case 'fill': {
          // The worker takes one queued order (sometimes one that is not queued: it must do nothing).
          const queued = await h.app.db.order.findMany({
            where: { id: { in: proposals.map((p) => p.orderId) }, status: 'QUEUED' },
            select: { id: true },
            orderBy: { id: 'asc' },
          });
          const target = cmd.pick % 4 === 0 ? pick(proposals, cmd.pick)?.orderId : pick(queued, cmd.pick)?.id;
          if (target) await venue.executor.execute(target);
          return;
        }
        case 'move': {
          // The market moves; the watcher's work: triggers, resting orders, then the queue drains.
          await venue.move(cmd.minutes);
          const prices = new Map<string, Decimal>();
          for (const s of ['BTC/USDT', 'ETH/USDT']) prices.set(s, dec((await h.market.ticker(s)).last));
          await evaluateTriggers(h.deps, prices);
          const resting = await h.app.db.order.findMany({
            where: { status: 'SUBMITTED', userId: { in: users.map((u) => u.userId) } },
          });
          for (const o of resting) await venue.executor.refresh(o.id, { price: prices.get(o.symbol)! });
          return;
        }
        case 'expire':
          h.clock.now += 601_000;
          await expireStale(h.deps);
          return;
      }
    }

    async function checkBooks(users: Actor[], proposals: { orderId: string }[]) {
      const ids = proposals.map((p) => p.orderId);
      const orders = await h.app.db.order.findMany({
        where: { id: { in: ids } },
        include: { fills: true, events: { orderBy: { id: 'asc' } } },
      });
      for (const o of orders) {
        // A legal path from PROPOSED to the current status.
        expect(o.events[0]).toMatchObject({ fromStatus: null, toStatus: 'PROPOSED' });
        for (const e of o.events.slice(1))
          expect(
            canTransition(e.fromStatus as OrderStatus, e.toStatus),
            `${e.fromStatus}→${e.toStatus}`,
          ).toBe(true);
        for (let i = 1; i < o.events.length; i++)
          expect(o.events[i]!.fromStatus).toBe(o.events[i - 1]!.toStatus);
        expect(o.events.at(-1)!.toStatus).toBe(o.status);
        // Filled once, fully, or not at all.
        expect(o.fills.length).toBe(o.status === 'FILLED' ? 1 : 0);
        if (o.status === 'FILLED') expect(dec(o.filledAmount).eq(dec(o.amount))).toBe(true);
        // Queued at most once (the queue is the harness' list).
        expect(h.queued.filter((q) => q === o.id).length).toBeLessThanOrEqual(1);
      }
      await venue.checkVenue(users, orders);
    }

    it('holds for random command sequences', async () => {
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40 }), async (commands) => {
          run++;
          const users = [await venue.user(`p${run}a`), await venue.user(`p${run}b`, 'discord')];
          const proposals: { orderId: string; handle: string; owner: number }[] = [];
          for (const cmd of commands) {
            try {
              await execute(cmd, users, proposals);
            } catch (err) {
              // Refusals are fine; anything that is not a typed AppError is a bug.
              if (!isAppError(err) || err.code === 'ERR_INTERNAL') throw err;
              seen.set(`${cmd.op}:${err.code}`, (seen.get(`${cmd.op}:${err.code}`) ?? 0) + 1);
            }
          }
          await checkBooks(users, proposals);
          for (const o of await h.app.db.order.findMany({
            where: { id: { in: proposals.map((p) => p.orderId) } },
          })) {
            seen.set(o.status, (seen.get(o.status) ?? 0) + 1);
            if (o.triggerPrice && o.status === 'FILLED')
              seen.set('TRIGGERED_FILL', (seen.get('TRIGGERED_FILL') ?? 0) + 1);
            if (o.type === 'LIMIT' && o.status === 'FILLED')
              seen.set('LIMIT_FILL', (seen.get('LIMIT_FILL') ?? 0) + 1);
          }
        }),
        { numRuns: venue.numRuns, endOnFailure: true, examples: [[REACHES_LIMIT_AND_TRIGGERED_FILLS]] },
      );
      // The sequences reached the interesting states, so the invariants were tested on real books.
      console.log('property test reached', Object.fromEntries(seen));
      for (const status of ['FILLED', 'CANCELLED', 'EXPIRED'])
        expect(seen.get(status) ?? 0, status).toBeGreaterThan(0);
      expect(
        (seen.get('LIMIT_FILL') ?? 0) + (seen.get('TRIGGERED_FILL') ?? 0),
        'limit or triggered fills',
      ).toBeGreaterThan(0);
    }, 300_000); // a safety net only: 40 runs on real Postgres take long on a busy shared machine
  });
}
