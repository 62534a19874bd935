/**
 * Risk checks, run when an order is proposed and again right before it executes: the operator's kill
 * switch, the live-trading gate (operator switch + user opt-in + linked keys), max notional per order,
 * max position per asset, daily realised loss and proposals per minute. Per-user limits (RiskLimit)
 * override the operator defaults from the environment.
 */
import type { Config } from '../config.ts';
import { type Db, Prisma } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { groupThousands } from '../format/numbers.ts';
import type { Actor } from '../identity/types.ts';
import { requireAdmin } from '../identity/users.ts';
import { type Decimal, dec } from '../market/decimal.ts';
import { hasCredentials } from '../vault/credentials.ts';
import { KILL_SWITCH_KEY, type KillSwitchState, readKillSwitch, writeKillSwitch } from './kill-switch.ts';
import { lockedPositionSql, type PositionState, positionKeySql, positionState } from './positions.ts';
import { canFindByClientId, noClientIdLookup } from './remote-orders.ts';
import { type OrderRow, selectOrderForUpdate, type Tx } from './transitions.ts';

export interface RiskLimits {
  readonly maxOrderNotional: Decimal;
  readonly maxPositionNotional: Decimal;
  readonly dailyLossLimit: Decimal;
  readonly ordersPerMinute: number;
}

export interface RiskInput {
  readonly userId: string;
  readonly mode: 'PAPER' | 'LIVE';
  readonly exchange: string;
  readonly side: 'BUY' | 'SELL';
  readonly base: string;
  readonly quote: string;
  readonly amount: Decimal;
  /** Price the notional is valued at. */
  readonly price: Decimal;
  readonly stage: 'proposal' | 'execution';
  readonly now: Date;
}

/** Operators only. Every process sees it at its next check (it is read from the database, kill-switch.ts). */
export async function setKillSwitch(db: Db, actor: Actor, on: boolean): Promise<void> {
  await requireAdmin(db, actor.userId);
  await writeKillSwitch(db, { kind: 'user', userId: actor.userId, platform: actor.platform }, on);
}

/**
 * The operator's `/admin killswitch on|off|status` from chat: operators only (the role as of this
 * contact, so an account removed from ADMIN_ACCOUNTS is refused), every change audited.
 */
export async function operateKillSwitch(
  db: Db,
  config: Pick<Config, 'KILL_SWITCH'>,
  actor: Actor,
  action: 'on' | 'off' | 'status',
): Promise<KillSwitchState> {
  await requireAdmin(db, actor.userId);
  if (action !== 'status')
    await writeKillSwitch(
      db,
      { kind: 'user', userId: actor.userId, platform: actor.platform },
      action === 'on',
    );
  return readKillSwitch(db, config);
}

const fmt = (d: Decimal, quote: string) =>
  `${groupThousands(d.isInteger() ? d.toFixed(0) : d.toFixed(2))} ${quote}`;

/** A limit is worth mentioning on a card once an order uses this much of it. */
const NEAR = 0.8;

function limit(message: string, userMessage: string, details: Record<string, unknown>): AppError {
  return new AppError('ERR_RISK_LIMIT', message, { userMessage, details });
}

export async function assertLiveAllowed(
  db: Db | Tx,
  config: Config,
  userId: string,
  exchange: string,
): Promise<void> {
  if (!config.LIVE_TRADING_ENABLED) {
    throw new AppError('ERR_LIVE_DISABLED', 'LIVE_TRADING_ENABLED is off');
  }
  if (!canFindByClientId(exchange)) throw noClientIdLookup(exchange);
  const user = await db.user.findUnique({ where: { id: userId }, select: { liveOptIn: true } });
  if (!user?.liveOptIn) {
    throw new AppError('ERR_LIVE_DISABLED', `user ${userId} has not opted in to live trading`, {
      userMessage: 'You have not switched to live trading. Use /mode live first.',
    });
  }
  if (!(await hasCredentials(db, userId, exchange))) {
    throw new AppError('ERR_LIVE_DISABLED', `user ${userId} has no ${exchange} keys`, {
      userMessage: `Link your ${exchange} API keys (in a DM) before trading live.`,
    });
  }
}

/** Everything the checks read about the order's owner; one row. */
export interface RiskSnapshot {
  readonly kill: { on?: boolean } | null;
  readonly maxOrderNotional: Decimal | null;
  readonly maxPositionNotional: Decimal | null;
  readonly dailyLossLimit: Decimal | null;
  readonly ordersPerMinute: number | null;
  readonly quantity: Decimal | null;
  readonly avgEntry: Decimal | null;
  readonly realizedPnl: Decimal | null;
  readonly realizedToday: Decimal;
  readonly recent: bigint;
  /** Base amount of the owner's other buys of the asset that are out but not filled (claimed live, resting). */
  readonly pendingBuys: Decimal;
}

/**
 * The select list of a RiskSnapshot for the user and mode given as SQL expressions. The statement's
 * FROM must provide `rl` (the user's RiskLimit row, or nulls) and `p` (the position, or nulls).
 */
function snapshotColumns(
  who: {
    readonly userId: Prisma.Sql;
    readonly mode: Prisma.Sql;
    readonly asset: Prisma.Sql;
    readonly quote: Prisma.Sql;
    /** The order being executed, not counted among the pending buys. */
    readonly orderId?: Prisma.Sql;
  },
  stage: RiskInput['stage'],
  now: Date,
): Prisma.Sql {
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const minuteAgo = new Date(now.getTime() - 60_000);
  // The rate limit counts proposals; executing an order does not need it.
  const recent =
    stage === 'proposal'
      ? Prisma.sql`(SELECT COUNT(*) FROM "Order" WHERE "userId" = ${who.userId} AND "createdAt" >= ${minuteAgo})`
      : Prisma.sql`0`;
  return Prisma.sql`
      (SELECT value FROM "SystemSetting" WHERE key = ${KILL_SWITCH_KEY}) AS kill,
      rl."maxOrderNotional", rl."maxPositionNotional", rl."dailyLossLimit", rl."ordersPerMinute",
      p.quantity, p."avgEntry", p."realizedPnl",
      (SELECT COALESCE(SUM(f."realizedPnl"), 0) FROM "Fill" f JOIN "Order" fo ON fo.id = f."orderId"
        WHERE fo."userId" = ${who.userId} AND fo.mode = ${who.mode} AND f.at >= ${startOfDay}
          AND split_part(fo.symbol, '/', 2) = ${who.quote}) AS "realizedToday",
      (SELECT COALESCE(SUM(po.amount - po."filledAmount"), 0) FROM "Order" po
        WHERE po."userId" = ${who.userId} AND po.mode = ${who.mode} AND po.side = 'BUY'::"OrderSide"
          AND po.status IN ('SUBMITTED'::"OrderStatus", 'PARTIALLY_FILLED'::"OrderStatus")
          AND split_part(po.symbol, '/', 1) = ${who.asset}
          ${who.orderId ? Prisma.sql`AND po.id <> ${who.orderId}` : Prisma.empty}) AS "pendingBuys",
      ${recent} AS recent`;
}

/**
 * Everything the checks read, in one round trip (this runs for every proposal). At execution the
 * position row is also locked for the fill that follows (see positions.ts), so the limit is checked
 * against the position the fill will change, not one a concurrent fill is about to change.
 */
async function snapshot(db: Db | Tx, input: RiskInput): Promise<RiskSnapshot> {
  const key = positionKeySql({ userId: input.userId, mode: input.mode, asset: input.base });
  const position =
    input.stage === 'execution'
      ? lockedPositionSql(key)
      : Prisma.sql`SELECT quantity, "avgEntry", "realizedPnl" FROM "Position"
          WHERE "userId" = ${key.userId} AND mode = ${key.mode} AND asset = ${key.asset}`;
  const rows = await db.$queryRaw<RiskSnapshot[]>`
    WITH position AS (${position})
    SELECT ${snapshotColumns({ ...key, quote: Prisma.sql`${input.quote}` }, input.stage, input.now)}
    FROM (SELECT 1) AS one
      LEFT JOIN "RiskLimit" rl ON rl."userId" = ${key.userId}
      LEFT JOIN position p ON true`;
  return rows[0]!;
}

/**
 * The paper broker's first statement: locks a queued order and the position its fill will change, and
 * reads the owner's risk snapshot, in one round trip. Undefined when there is no such order.
 */
export async function lockOrderForExecution(
  tx: Tx,
  orderId: string,
  now: Date,
): Promise<{ readonly order: OrderRow; readonly snapshot: RiskSnapshot } | undefined> {
  const owner = {
    userId: Prisma.sql`o."userId"`,
    mode: Prisma.sql`o.mode`,
    asset: Prisma.sql`split_part(o.symbol, '/', 1)`,
    quote: Prisma.sql`split_part(o.symbol, '/', 2)`,
    orderId: Prisma.sql`o.id`,
  };
  const position = lockedPositionSql({ ...owner, from: Prisma.sql`o` });
  const [row] = await tx.$queryRaw<(OrderRow & RiskSnapshot)[]>`
    WITH o AS (${selectOrderForUpdate(orderId)}), position AS (${position})
    SELECT o.*, ${snapshotColumns(owner, 'execution', now)}
    FROM o
      LEFT JOIN "RiskLimit" rl ON rl."userId" = o."userId"
      LEFT JOIN position p ON true`;
  if (!row) return undefined;
  const {
    kill,
    maxOrderNotional,
    maxPositionNotional,
    dailyLossLimit,
    ordersPerMinute,
    quantity,
    avgEntry,
    realizedPnl,
    realizedToday,
    recent,
    pendingBuys,
    ...order
  } = row;
  // The statement's snapshot predates the position lock it may have waited for: a live buy claimed by
  // the previous holder is visible only to a statement started after it (live claims; paper fills
  // change the locked position itself).
  const pending =
    order.mode === 'LIVE' && order.side === 'BUY'
      ? ((
          await tx.$queryRaw<{ pendingBuys: Decimal }[]>`
            SELECT COALESCE(SUM(amount - "filledAmount"), 0) AS "pendingBuys" FROM "Order"
            WHERE "userId" = ${order.userId}::uuid AND mode = 'LIVE'::"TradingMode" AND side = 'BUY'::"OrderSide"
              AND status IN ('SUBMITTED'::"OrderStatus", 'PARTIALLY_FILLED'::"OrderStatus")
              AND split_part(symbol, '/', 1) = split_part(${order.symbol}, '/', 1) AND id <> ${order.id}::uuid`
        )[0]?.pendingBuys ?? pendingBuys)
      : pendingBuys;
  const snapshot = {
    ...{ kill, maxOrderNotional, maxPositionNotional, dailyLossLimit, ordersPerMinute },
    ...{ quantity, avgEntry, realizedPnl, realizedToday, recent, pendingBuys: pending },
  };
  return { order, snapshot };
}

export interface RiskCheck {
  /** The limits that apply to the order. */
  readonly notes: readonly string[];
  /** Only the limits this order comes close to (≥ 80% used), for the proposal card. */
  readonly warnings: readonly string[];
  /** The position in the order's base asset (locked for the rest of the transaction at execution). */
  readonly position: PositionState;
}

/** Throws the first limit the order breaks; returns the limits for the proposal card and the position. */
export async function checkRisk(db: Db | Tx, config: Config, input: RiskInput): Promise<RiskCheck> {
  return evaluateRisk(db, config, input, await snapshot(db, input));
}

/** The checks over a snapshot already read (`checkRisk`, or `lockOrderForExecution` at execution). */
export async function evaluateRisk(
  db: Db | Tx,
  config: Config,
  input: RiskInput,
  s: RiskSnapshot,
): Promise<RiskCheck> {
  if (config.KILL_SWITCH || s.kill?.on === true) {
    throw new AppError('ERR_KILL_SWITCH', 'the kill switch is on');
  }
  if (input.mode === 'LIVE') await assertLiveAllowed(db, config, input.userId, input.exchange);
  const limits: RiskLimits = {
    maxOrderNotional: dec(s.maxOrderNotional ?? config.MAX_ORDER_NOTIONAL),
    maxPositionNotional: dec(s.maxPositionNotional ?? config.MAX_POSITION_NOTIONAL),
    dailyLossLimit: dec(s.dailyLossLimit ?? config.DAILY_LOSS_LIMIT),
    ordersPerMinute: s.ordersPerMinute ?? config.ORDERS_PER_MINUTE,
  };
  const notional = input.amount.mul(input.price);
  const q = input.quote;
  if (notional.gt(limits.maxOrderNotional)) {
    throw limit(
      `notional ${notional} above ${limits.maxOrderNotional}`,
      `That order is worth ${fmt(notional, q)}; your limit per order is ${fmt(limits.maxOrderNotional, q)}.`,
      { limit: 'maxOrderNotional' },
    );
  }
  if (input.side === 'BUY') {
    // Buys already out (a live order claimed, a resting limit) count: two buys claimed at once cannot
    // both pass the limit on the same position.
    const after = dec(s.quantity ?? 0)
      .add(dec(s.pendingBuys ?? 0))
      .add(input.amount)
      .mul(input.price);
    if (after.gt(limits.maxPositionNotional)) {
      throw limit(
        `position ${after} above ${limits.maxPositionNotional}`,
        `After this order you would hold ${fmt(after, q)} of ${input.base}; your limit per asset is ${fmt(limits.maxPositionNotional, q)}.`,
        { limit: 'maxPositionNotional' },
      );
    }
    // Selling only reduces exposure, so the daily loss limit stops buying, not getting out.
    const loss = dec(s.realizedToday).neg();
    if (loss.gte(limits.dailyLossLimit)) {
      throw limit(
        `daily loss ${loss} reached ${limits.dailyLossLimit}`,
        `You have lost ${fmt(loss, q)} today, your daily limit. New buys resume tomorrow (UTC).`,
        { limit: 'dailyLossLimit' },
      );
    }
  }
  if (input.stage === 'proposal' && Number(s.recent) >= limits.ordersPerMinute) {
    throw limit(
      `${s.recent} orders in the last minute`,
      `That is ${limits.ordersPerMinute} orders within a minute, your limit. Please wait a moment.`,
      { limit: 'ordersPerMinute' },
    );
  }
  const notes = [
    `Max per order: ${fmt(limits.maxOrderNotional, q)}`,
    `Max per asset: ${fmt(limits.maxPositionNotional, q)}`,
    `Daily loss limit: ${fmt(limits.dailyLossLimit, q)}`,
  ];
  const near = (used: Decimal, of: Decimal) => of.gt(0) && used.gte(of.mul(NEAR));
  const positionAfter = dec(s.quantity ?? 0)
    .add(input.side === 'BUY' ? input.amount : input.amount.neg())
    .mul(input.price);
  const lossToday = dec(s.realizedToday).neg();
  const warnings = [
    near(notional, limits.maxOrderNotional)
      ? `Close to your limit per order: ${fmt(notional, q)} of ${fmt(limits.maxOrderNotional, q)}`
      : '',
    input.side === 'BUY' && near(positionAfter, limits.maxPositionNotional)
      ? `Close to your limit per asset: ${input.base} would be ${fmt(positionAfter, q)} of ${fmt(limits.maxPositionNotional, q)}`
      : '',
    input.side === 'BUY' && near(lossToday, limits.dailyLossLimit)
      ? `Close to your daily loss limit: lost ${fmt(lossToday, q)} of ${fmt(limits.dailyLossLimit, q)} today`
      : '',
  ].filter(Boolean);
  return { notes, warnings, position: positionState(s) };
}
