/**
 * Risk checks, run when an order is proposed and again right before it executes: the operator's kill
 * switch, the live-trading gate (operator switch + user opt-in + linked keys), max notional per order,
 * max position per asset, daily realised loss and proposals per minute. Per-user limits (RiskLimit)
 * override the operator defaults from the environment.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor } from '../identity/types.ts';
import { requireAdmin } from '../identity/users.ts';
import { type Decimal, dec } from '../market/decimal.ts';
import { hasCredentials } from '../vault/credentials.ts';

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

const KILL_SWITCH_KEY = 'kill_switch';

export async function limitsFor(db: Db, config: Config, userId: string): Promise<RiskLimits> {
  const own = await db.riskLimit.findUnique({ where: { userId } });
  return {
    maxOrderNotional: dec(own?.maxOrderNotional ?? config.MAX_ORDER_NOTIONAL),
    maxPositionNotional: dec(own?.maxPositionNotional ?? config.MAX_POSITION_NOTIONAL),
    dailyLossLimit: dec(own?.dailyLossLimit ?? config.DAILY_LOSS_LIMIT),
    ordersPerMinute: own?.ordersPerMinute ?? config.ORDERS_PER_MINUTE,
  };
}

export async function killSwitchOn(db: Db, config: Config): Promise<boolean> {
  if (config.KILL_SWITCH) return true;
  const row = await db.systemSetting.findUnique({ where: { key: KILL_SWITCH_KEY } });
  return (row?.value as { on?: boolean } | null)?.on === true;
}

/** Operators only. Takes effect for every process at the next check (it is read from the database). */
export async function setKillSwitch(db: Db, actor: Actor, on: boolean): Promise<void> {
  await requireAdmin(db, actor.userId);
  const value = { on, by: actor.userId, at: new Date().toISOString() };
  await db.systemSetting.upsert({
    where: { key: KILL_SWITCH_KEY },
    create: { key: KILL_SWITCH_KEY, value },
    update: { value },
  });
  await audit(db, {
    actorUserId: actor.userId,
    platform: actor.platform,
    action: on ? 'risk.kill_switch.on' : 'risk.kill_switch.off',
  });
}

const fmt = (d: Decimal, quote: string) => `${d.toDecimalPlaces(2).toFixed()} ${quote}`;

function limit(message: string, userMessage: string, details: Record<string, unknown>): AppError {
  return new AppError('ERR_RISK_LIMIT', message, { userMessage, details });
}

export async function assertLiveAllowed(
  db: Db,
  config: Config,
  userId: string,
  exchange: string,
): Promise<void> {
  if (!config.LIVE_TRADING_ENABLED) {
    throw new AppError('ERR_LIVE_DISABLED', 'LIVE_TRADING_ENABLED is off');
  }
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

/** Throws the first limit the order breaks; returns the limits to show on the proposal card. */
export async function checkRisk(db: Db, config: Config, input: RiskInput): Promise<readonly string[]> {
  if (await killSwitchOn(db, config)) {
    throw new AppError('ERR_KILL_SWITCH', 'the kill switch is on');
  }
  if (input.mode === 'LIVE') await assertLiveAllowed(db, config, input.userId, input.exchange);
  const limits = await limitsFor(db, config, input.userId);
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
    const position = await db.position.findUnique({
      where: { userId_mode_asset: { userId: input.userId, mode: input.mode, asset: input.base } },
    });
    const after = dec(position?.quantity ?? 0)
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
    const startOfDay = new Date(
      Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), input.now.getUTCDate()),
    );
    const today = await db.fill.aggregate({
      _sum: { realizedPnl: true },
      where: { at: { gte: startOfDay }, order: { userId: input.userId, mode: input.mode } },
    });
    const loss = dec(today._sum.realizedPnl ?? 0).neg();
    if (loss.gte(limits.dailyLossLimit)) {
      throw limit(
        `daily loss ${loss} reached ${limits.dailyLossLimit}`,
        `You have lost ${fmt(loss, q)} today, your daily limit. New buys resume tomorrow (UTC).`,
        { limit: 'dailyLossLimit' },
      );
    }
  }
  if (input.stage === 'proposal') {
    const recent = await db.order.count({
      where: { userId: input.userId, createdAt: { gte: new Date(input.now.getTime() - 60_000) } },
    });
    if (recent >= limits.ordersPerMinute) {
      throw limit(
        `${recent} orders in the last minute`,
        `That is ${limits.ordersPerMinute} orders within a minute, your limit. Please wait a moment.`,
        { limit: 'ordersPerMinute' },
      );
    }
  }
  return [
    `Max per order: ${fmt(limits.maxOrderNotional, q)}`,
    `Max per asset: ${fmt(limits.maxPositionNotional, q)}`,
    `Daily loss limit: ${fmt(limits.dailyLossLimit, q)}`,
  ];
}
