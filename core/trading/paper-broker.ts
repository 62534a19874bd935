/**
 * The paper broker. A queued market order fills at the current price moved by the configured slippage,
 * paying PAPER_FEE_RATE in the quote currency; a limit order fills at once when the market has crossed
 * it, otherwise it rests (its balance reserved) until the trigger watcher sees the price cross. Every
 * fill is one transaction over the locked order: balances, the fill, the position and the status change
 * commit together or not at all, so a crash or a second worker cannot fill an order twice.
 */

import { Prisma } from '../db/client.ts';
import { AppError, toAppError } from '../errors.ts';
import { Decimal, dbString, dec } from '../market/decimal.ts';
import type { MarketInfo } from '../market/market-data.ts';
import { type TradingDeps, TX_OPTIONS } from './deps.ts';
import { deliver } from './outbox.ts';
import { type BalanceChanges, settle, settlementSql } from './paper-account.ts';
import { fillSql, type PositionState } from './positions.ts';
import { marketPrice, slipped } from './proposals.ts';
import { evaluateRisk, lockOrderForExecution, type RiskCheck } from './risk.ts';
import {
  type ActorRef,
  advance,
  type OrderPatch,
  type OrderRow,
  pendingOf,
  SYSTEM,
  type Tx,
} from './transitions.ts';

export type ExecutionOutcome =
  | { readonly kind: 'filled'; readonly order: OrderRow }
  | { readonly kind: 'resting'; readonly order: OrderRow }
  | { readonly kind: 'rejected'; readonly order: OrderRow; readonly error: AppError }
  /** Not executed: its deadline passed (market order) or its time in force ended (resting order). */
  | { readonly kind: 'expired'; readonly order: OrderRow }
  /** Cancelled while open at the venue (what had filled stays filled). */
  | { readonly kind: 'cancelled'; readonly order: OrderRow }
  /** Nothing to do: the order is gone, already executed, or was cancelled meanwhile. */
  | { readonly kind: 'skipped'; readonly reason: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function marketOf(deps: TradingDeps, symbol: string): Promise<MarketInfo> {
  const m = (await deps.market.markets()).find((x) => x.symbol === symbol);
  if (!m) throw new AppError('ERR_UNKNOWN_SYMBOL', `${deps.market.exchangeId} no longer lists ${symbol}`);
  return m;
}

function split(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/') as [string, string];
  return { base, quote };
}

/** The balance changes a fill at `price` makes: what is paid (the reservation first) and what arrives. */
function fillSettlement(order: OrderRow, price: Decimal, fee: Decimal): BalanceChanges {
  const { base, quote } = split(order.symbol);
  const amount = dec(order.amount);
  const notional = amount.mul(price);
  const reserved = dec(order.reservedAmount);
  if (order.side === 'BUY') {
    // A resting limit buy reserved the cost at the limit price, fee included; the rest comes from free.
    const cost = notional.add(fee);
    return order.reservedAsset
      ? { [quote]: { locked: reserved.neg(), free: reserved.sub(cost) }, [base]: { free: amount } }
      : { [quote]: { free: cost.neg() }, [base]: { free: amount } };
  }
  const from = order.reservedAsset ? 'locked' : 'free';
  return { [base]: { [from]: amount.neg() }, [quote]: { free: notional.sub(fee) } };
}

/**
 * Books a fill at `price` in one statement: balances, the position (locked by the caller as `position`)
 * and the Fill row. Undefined, with nothing changed, when the paper balance does not cover it.
 */
async function book(
  tx: Tx,
  order: OrderRow,
  price: Decimal,
  feeRate: Decimal,
  position: PositionState,
): Promise<{ fee: Decimal } | undefined> {
  const { base, quote } = split(order.symbol);
  const amount = dec(order.amount);
  const fee = amount.mul(price).mul(feeRate);
  const fill = {
    userId: order.userId,
    mode: 'PAPER' as const,
    asset: base,
    side: order.side,
    amount,
    price,
    quoteFee: fee,
    baseFee: new Decimal(0),
  };
  const record = { orderId: order.id, tradeId: 'paper-1', fee, feeCurrency: quote };
  const { ctes } = fillSql(fill, record, position, Prisma.sql`(SELECT ok FROM verdict)`);
  const [result] = await tx.$queryRaw<{ ok: boolean }[]>`
    WITH ${settlementSql(order.userId, fillSettlement(order, price, fee))}, ${ctes}
    SELECT ok FROM verdict`;
  return result?.ok ? { fee } : undefined;
}

function fillPatch(order: OrderRow, price: Decimal, fee: Decimal): OrderPatch {
  return {
    filledAmount: dbString(dec(order.amount)),
    avgFillPrice: dbString(price),
    fee: dbString(fee),
    feeCurrency: split(order.symbol).quote,
    reservedAmount: '0',
    reservedAsset: null,
  };
}

const insufficient = (order: OrderRow) =>
  new AppError('ERR_INSUFFICIENT_FUNDS', `paper balance too low for order ${order.id}`, {
    userMessage: `Your paper balance no longer covers this ${order.symbol} order.`,
  });

const RELEASED = { reservedAmount: '0', reservedAsset: null } as const;

/** Returns a resting order's reserved balance to free (nothing for an order without one). */
export async function releaseReservation(tx: Tx, order: OrderRow): Promise<boolean> {
  if (!order.reservedAsset) return false;
  const reserved = dec(order.reservedAmount);
  await settle(tx, order.userId, { [order.reservedAsset]: { locked: reserved.neg(), free: reserved } });
  return true;
}

/** Cancels a locked resting paper order: its reservation returns to free. */
export async function cancelResting(tx: Tx, order: OrderRow, by: ActorRef): Promise<OrderRow> {
  await releaseReservation(tx, order);
  return advance(tx, order, ['CANCELLED'], by, {
    detail: { reason: by.kind === 'user' ? 'cancelled by owner' : 'cancelled' },
    patch: RELEASED,
    notify: [{ type: 'order.cancelled' }],
  });
}

/** Ends an order that did not pass its checks; a resting order's reservation returns to free. */
async function reject(
  tx: Tx,
  order: OrderRow,
  error: AppError,
  by: ActorRef = SYSTEM.worker,
): Promise<ExecutionOutcome> {
  const released = await releaseReservation(tx, order);
  const message = error.userMessage;
  const rejected = await advance(tx, order, ['REJECTED'], by, {
    detail: { code: error.code },
    patch: { error: message, ...(released ? RELEASED : {}) },
    notify: [{ type: 'order.rejected', extra: { code: error.code, message } }],
  });
  return { kind: 'rejected', order: rejected, error };
}

/** A market order that reached execution after its deadline: expired, never filled at a price nobody saw. */
export function pastDeadline(order: OrderRow, now: Date): boolean {
  return order.type === 'MARKET' && order.executeBy !== null && now > order.executeBy;
}

export const DEADLINE_MESSAGE =
  'This order was not executed within the allowed time after you confirmed it, so it was not placed. Nothing was bought or sold.';

export async function expireLate(
  tx: Tx,
  order: OrderRow,
  by: ActorRef = SYSTEM.worker,
): Promise<ExecutionOutcome> {
  const expired = await advance(tx, order, ['EXPIRED'], by, {
    detail: { reason: 'execution deadline passed', executeBy: order.executeBy?.toISOString() },
    patch: { error: DEADLINE_MESSAGE },
    notify: [{ type: 'order.expired', extra: { message: DEADLINE_MESSAGE } }],
  });
  return { kind: 'expired', order: expired };
}

/** What an execution reads from the network, before any row is locked. */
interface Priced {
  readonly market: MarketInfo;
  readonly ticker: { readonly ask?: Decimal; readonly bid?: Decimal; readonly last: Decimal };
}

async function priceOf(deps: TradingDeps, symbol: string): Promise<Priced> {
  const [market, ticker] = await Promise.all([marketOf(deps, symbol), deps.market.ticker(symbol)]);
  return { market, ticker };
}

/**
 * Executes a QUEUED paper order. Safe to call again for the same order: it then does nothing. `symbol`
 * (from the job) lets the market be read before the transaction; without it one read finds it.
 */
export async function executePaperOrder(
  deps: TradingDeps,
  orderId: string,
  hint: { readonly symbol?: string } = {},
): Promise<ExecutionOutcome> {
  if (deps.config.PAPER_LATENCY_MS > 0) await sleep(deps.config.PAPER_LATENCY_MS);
  const feeRate = dec(deps.config.PAPER_FEE_RATE);
  const symbol =
    hint.symbol ??
    (await deps.db.order.findUnique({ where: { id: orderId }, select: { symbol: true } }))?.symbol;
  if (!symbol) return { kind: 'skipped', reason: 'no such order' };
  // The network first (markets, ticker): nothing is locked while we wait for it.
  const priced = await priceOf(deps, symbol);
  // One transaction over the locked order: read, re-check deadline and risk, price, book, move on.
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const now = deps.now();
    const locked = await lockOrderForExecution(tx, orderId, now);
    if (locked?.order.mode !== 'PAPER') return { kind: 'skipped', reason: 'not a paper order' };
    const { order, snapshot } = locked;
    if (order.status !== 'QUEUED') return { kind: 'skipped', reason: `order is ${order.status}` };
    if (order.symbol !== symbol) return { kind: 'skipped', reason: 'symbol changed' };
    if (pastDeadline(order, now)) return expireLate(tx, order);
    const { market, ticker } = priced;
    const side = order.side;
    const quoted = marketPrice(ticker, side);
    const limit = order.limitPrice ? dec(order.limitPrice) : undefined;
    const crosses = !limit || (side === 'BUY' ? quoted.lte(limit) : quoted.gte(limit));
    const price = !limit
      ? slipped(market, quoted, side, deps.config.PAPER_SLIPPAGE_BPS)
      : side === 'BUY'
        ? Decimal.min(quoted, limit)
        : Decimal.max(quoted, limit);
    let risk: RiskCheck;
    try {
      risk = await evaluateRisk(tx, deps.config, riskInputFor(order, market, price, now), snapshot);
    } catch (err) {
      const riskError = toAppError(err);
      if (riskError.retryable) throw riskError;
      return reject(tx, order, riskError);
    }
    if (!crosses) {
      // Rest: hold the money (at the limit price, fee included) or the coins until the price crosses.
      const asset = side === 'BUY' ? market.quote : market.base;
      const amount = side === 'BUY' ? dec(order.amount).mul(limit!).mul(feeRate.add(1)) : dec(order.amount);
      const reserve = { [asset]: { free: amount.neg(), locked: amount } };
      if (!(await settle(tx, order.userId, reserve))) return reject(tx, order, insufficient(order));
      const resting = await advance(tx, order, ['SUBMITTED'], SYSTEM.worker, {
        detail: { resting: true, limit: limit!.toFixed() },
        patch: { reservedAsset: asset, reservedAmount: dbString(amount) },
        notify: [{ type: 'order.submitted' }],
      });
      return { kind: 'resting', order: resting };
    }
    const booked = await book(tx, order, price, feeRate, risk.position);
    if (!booked) return reject(tx, order, insufficient(order));
    const filled = await advance(tx, order, ['SUBMITTED', 'FILLED'], SYSTEM.worker, {
      detail: { price: price.toFixed() },
      patch: fillPatch(order, price, booked.fee),
      notify: [{ type: 'order.filled' }],
    });
    return { kind: 'filled', order: filled };
  }, TX_OPTIONS);
  await deliverOutcome(deps, outcome);
  return outcome;
}

function riskInputFor(
  order: OrderRow,
  market: Pick<MarketInfo, 'base' | 'quote'>,
  price: Decimal,
  now: Date,
) {
  return {
    userId: order.userId,
    mode: order.mode,
    exchange: order.exchange,
    side: order.side,
    base: market.base,
    quote: market.quote,
    amount: dec(order.amount),
    price,
    stage: 'execution' as const,
    now,
  };
}

/**
 * Fills a resting paper limit order if `lastPrice` has crossed its limit (the trigger watcher calls this),
 * through the same guard as every execution: the kill switch keeps it resting, a broken risk limit
 * rejects it (its reservation returns); an order past its time in force expires.
 */
export async function fillRestingPaperOrder(
  deps: TradingDeps,
  orderId: string,
  lastPrice: Decimal | undefined,
): Promise<ExecutionOutcome> {
  const feeRate = dec(deps.config.PAPER_FEE_RATE);
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const now = deps.now();
    const locked = await lockOrderForExecution(tx, orderId, now);
    const order = locked?.order;
    if (order?.status !== 'SUBMITTED' || order.mode !== 'PAPER' || !order.limitPrice) {
      return { kind: 'skipped', reason: 'not a resting paper order' };
    }
    if (order.restingUntil && now >= order.restingUntil) return expireResting(tx, order);
    const limit = dec(order.limitPrice);
    if (!lastPrice) return { kind: 'skipped', reason: 'no price' };
    const crossed = order.side === 'BUY' ? lastPrice.lte(limit) : lastPrice.gte(limit);
    if (!crossed) return { kind: 'skipped', reason: 'price has not crossed' };
    let risk: RiskCheck;
    try {
      risk = await evaluateRisk(
        tx,
        deps.config,
        riskInputFor(order, split(order.symbol), limit, now),
        locked!.snapshot,
      );
    } catch (err) {
      const riskError = toAppError(err);
      if (riskError.retryable) throw riskError;
      // The operator stopped trading: nothing executes, the order keeps resting until it is lifted.
      if (riskError.code === 'ERR_KILL_SWITCH') return { kind: 'skipped', reason: 'kill switch on' };
      return reject(tx, order, riskError, SYSTEM.watcher);
    }
    const booked = await book(tx, order, limit, feeRate, risk.position);
    if (!booked) return reject(tx, order, insufficient(order), SYSTEM.watcher);
    const filled = await advance(tx, order, ['FILLED'], SYSTEM.watcher, {
      detail: { price: limit.toFixed(), market: lastPrice.toFixed() },
      patch: fillPatch(order, limit, booked.fee),
      notify: [{ type: 'order.filled' }],
    });
    return { kind: 'filled', order: filled };
  }, TX_OPTIONS);
  await deliverOutcome(deps, outcome);
  return outcome;
}

export const TIME_IN_FORCE_MESSAGE =
  'Its time in force ended before the market reached your limit, so nothing was traded; the reserved funds are free again.';

/** A resting paper order past its time in force: expired, its reservation back to free. */
async function expireResting(tx: Tx, order: OrderRow): Promise<ExecutionOutcome> {
  await releaseReservation(tx, order);
  const expired = await advance(tx, order, ['EXPIRED'], SYSTEM.watcher, {
    detail: { reason: 'time in force ended', restingUntil: order.restingUntil?.toISOString() },
    patch: { ...RELEASED, error: TIME_IN_FORCE_MESSAGE },
    notify: [{ type: 'order.expired', extra: { message: TIME_IN_FORCE_MESSAGE } }],
  });
  return { kind: 'expired', order: expired };
}

/** Sends what the outcome's transition promised (or leaves it to the outbox relay). */
export async function deliverOutcome(deps: TradingDeps, outcome: ExecutionOutcome): Promise<void> {
  if (outcome.kind === 'skipped') return;
  await deliver(deps, pendingOf(outcome.order));
}
