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
import type { TradingDeps } from './deps.ts';
import type { OrderEventMessage } from './order-events.ts';
import { type BalanceChanges, settle, settlementSql } from './paper-account.ts';
import { fillSql, lockPosition, type PositionState } from './positions.ts';
import { slipped } from './proposals.ts';
import { evaluateRisk, lockOrderForExecution, type RiskCheck } from './risk.ts';
import { advance, lockOrder, type OrderPatch, type OrderRow, SYSTEM, type Tx } from './transitions.ts';
import { orderEvent } from './views.ts';

export type ExecutionOutcome =
  | { readonly kind: 'filled'; readonly order: OrderRow }
  | { readonly kind: 'resting'; readonly order: OrderRow }
  | { readonly kind: 'rejected'; readonly order: OrderRow; readonly error: AppError }
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

async function reject(tx: Tx, order: OrderRow, error: AppError): Promise<ExecutionOutcome> {
  const rejected = await advance(tx, order, ['REJECTED'], SYSTEM.worker, {
    detail: { code: error.code },
    patch: { error: error.userMessage },
  });
  return { kind: 'rejected', order: rejected, error };
}

/** Executes a QUEUED paper order. Safe to call again for the same order: it then does nothing. */
export async function executePaperOrder(deps: TradingDeps, orderId: string): Promise<ExecutionOutcome> {
  if (deps.config.PAPER_LATENCY_MS > 0) await sleep(deps.config.PAPER_LATENCY_MS);
  const feeRate = dec(deps.config.PAPER_FEE_RATE);
  // One transaction over the locked order: read, re-check risk, price, book, move on.
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const locked = await lockOrderForExecution(tx, orderId, deps.now());
    if (locked?.order.mode !== 'PAPER') return { kind: 'skipped', reason: 'not a paper order' };
    const { order, snapshot } = locked;
    if (order.status !== 'QUEUED') return { kind: 'skipped', reason: `order is ${order.status}` };
    const market = await marketOf(deps, order.symbol);
    const ticker = await deps.market.ticker(order.symbol);
    const side = order.side;
    const quoted = dec(side === 'BUY' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last));
    const limit = order.limitPrice ? dec(order.limitPrice) : undefined;
    const crosses = !limit || (side === 'BUY' ? quoted.lte(limit) : quoted.gte(limit));
    const price = !limit
      ? slipped(market, quoted, side, deps.config.PAPER_SLIPPAGE_BPS)
      : side === 'BUY'
        ? Decimal.min(quoted, limit)
        : Decimal.max(quoted, limit);
    const riskInput = {
      userId: order.userId,
      mode: 'PAPER' as const,
      exchange: order.exchange,
      side,
      base: market.base,
      quote: market.quote,
      amount: dec(order.amount),
      price,
      stage: 'execution' as const,
      now: deps.now(),
    };
    let risk: RiskCheck;
    try {
      risk = await evaluateRisk(tx, deps.config, riskInput, snapshot);
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
      });
      return { kind: 'resting', order: resting };
    }
    const booked = await book(tx, order, price, feeRate, risk.position);
    if (!booked) return reject(tx, order, insufficient(order));
    const filled = await advance(tx, order, ['SUBMITTED', 'FILLED'], SYSTEM.worker, {
      detail: { price: price.toFixed() },
      patch: fillPatch(order, price, booked.fee),
    });
    return { kind: 'filled', order: filled };
  });
  await deps.events.publish(eventsFor(outcome));
  return outcome;
}

/** Fills a resting paper limit order if `lastPrice` has crossed its limit (the trigger watcher calls this). */
export async function fillRestingPaperOrder(
  deps: TradingDeps,
  orderId: string,
  lastPrice: Decimal,
): Promise<ExecutionOutcome> {
  const feeRate = dec(deps.config.PAPER_FEE_RATE);
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const order = await lockOrder(tx, orderId);
    if (order?.status !== 'SUBMITTED' || order.mode !== 'PAPER' || !order.limitPrice) {
      return { kind: 'skipped', reason: 'not a resting paper order' };
    }
    const limit = dec(order.limitPrice);
    const crossed = order.side === 'BUY' ? lastPrice.lte(limit) : lastPrice.gte(limit);
    if (!crossed) return { kind: 'skipped', reason: 'price has not crossed' };
    const position = await lockPosition(tx, {
      userId: order.userId,
      mode: 'PAPER',
      asset: split(order.symbol).base,
    });
    const booked = await book(tx, order, limit, feeRate, position);
    if (!booked) return reject(tx, order, insufficient(order));
    const filled = await advance(tx, order, ['FILLED'], SYSTEM.watcher, {
      detail: { price: limit.toFixed(), market: lastPrice.toFixed() },
      patch: fillPatch(order, limit, booked.fee),
    });
    return { kind: 'filled', order: filled };
  });
  await deps.events.publish(eventsFor(outcome));
  return outcome;
}

function eventsFor(outcome: ExecutionOutcome): OrderEventMessage[] {
  switch (outcome.kind) {
    case 'filled':
      return [orderEvent(outcome.order, 'order.filled')];
    case 'resting':
      return [orderEvent(outcome.order, 'order.submitted')];
    case 'rejected':
      return [
        orderEvent(outcome.order, 'order.rejected', {
          code: outcome.error.code,
          message: outcome.error.userMessage,
        }),
      ];
    case 'skipped':
      return [];
  }
}
