/**
 * Live execution through ccxt, at most once per order:
 *  1. one executor per order (advisory lock), and the order is marked SUBMITTED before anything is sent,
 *     so a crash leaves a trace;
 *  2. the exchange client order id is derived from the order id, identical on every attempt;
 *  3. an order that may have been sent before (SUBMITTED at the start of an attempt, or a createOrder
 *     that timed out or lost its connection) is first looked up by client id; only an exchange that
 *     has never seen it gets a createOrder; an unanswered lookup is retried later, never guessed;
 *  4. fills are recorded per cumulative fill level, so recording the same exchange state twice is a no-op.
 */
import type { Exchange } from 'ccxt';
import { AppError, toAppError } from '../errors.ts';
import { isUncertain, mapExchangeError } from '../market/ccxt-errors.ts';
import { Decimal, dbString, dec } from '../market/decimal.ts';
import type { TradingDeps } from './deps.ts';
import type { ExchangeClients } from './exchange-clients.ts';
import type { OrderEventMessage } from './order-events.ts';
import type { OrderLocks } from './order-lock.ts';
import type { OrderStatus } from './order-states.ts';
import type { ExecutionOutcome } from './paper-broker.ts';
import { lockPosition, recordFill } from './positions.ts';
import { completeOrder, feesOf, findByClientId, type RemoteOrder } from './remote-orders.ts';
import { checkRisk } from './risk.ts';
import { advance, lockOrder, type OrderRow, SYSTEM } from './transitions.ts';
import { orderEvent } from './views.ts';

export interface LiveDeps extends TradingDeps {
  readonly locks: OrderLocks;
  readonly clients: ExchangeClients;
}

const OPEN_LIVE: readonly OrderStatus[] = ['QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED'];

function uncertain(orderId: string, cause: AppError): AppError {
  return new AppError(
    'ERR_ORDER_UNCERTAIN',
    `order ${orderId}: exchange outcome unknown (${cause.message})`,
    {
      cause,
      details: { orderId },
    },
  );
}

const looksDuplicate = (err: unknown) => /duplicate/i.test(err instanceof Error ? err.message : String(err));

async function claim(deps: LiveDeps, order: OrderRow): Promise<ExecutionOutcome | OrderRow> {
  const [base, quote] = order.symbol.split('/') as [string, string];
  let riskError: AppError | undefined;
  try {
    const ticker = await deps.market.ticker(order.symbol);
    await checkRisk(deps.db, deps.config, {
      userId: order.userId,
      mode: 'LIVE',
      exchange: order.exchange,
      side: order.side,
      base,
      quote,
      amount: dec(order.amount),
      price: order.limitPrice ? dec(order.limitPrice) : dec(ticker.last),
      stage: 'execution',
      now: deps.now(),
    });
  } catch (err) {
    riskError = toAppError(err);
    if (riskError.retryable) throw riskError;
  }
  const result = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome | OrderRow> => {
    const locked = await lockOrder(tx, order.id);
    if (locked?.status !== 'QUEUED') return { kind: 'skipped', reason: `order is ${locked?.status}` };
    if (riskError) {
      const rejected = await advance(tx, locked, ['REJECTED'], SYSTEM.worker, {
        detail: { code: riskError.code },
        patch: { error: riskError.userMessage },
      });
      return { kind: 'rejected', order: rejected, error: riskError };
    }
    return advance(tx, locked, ['SUBMITTED'], SYSTEM.worker, {
      detail: { clientOrderId: locked.clientOrderId },
    });
  });
  if ('kind' in result) {
    if (result.kind === 'rejected') {
      await deps.events.publish([
        orderEvent(result.order, 'order.rejected', {
          code: result.error.code,
          message: result.error.userMessage,
        }),
      ]);
    }
    return result;
  }
  await deps.events.publish([orderEvent(result, 'order.submitted')]);
  return result;
}

async function place(exchange: Exchange, order: OrderRow, lookFirst: boolean): Promise<RemoteOrder> {
  if (order.exchangeOrderId)
    return completeOrder(exchange, { id: order.exchangeOrderId } as RemoteOrder, order.symbol);
  if (lookFirst) {
    const seen = await findByClientId(exchange, order.symbol, order.clientOrderId);
    if (seen) return completeOrder(exchange, seen, order.symbol);
  }
  let created: RemoteOrder;
  try {
    created = await exchange.createOrder(
      order.symbol,
      order.type === 'LIMIT' ? 'limit' : 'market',
      order.side === 'BUY' ? 'buy' : 'sell',
      dec(order.amount).toNumber(),
      order.limitPrice ? dec(order.limitPrice).toNumber() : undefined,
      { clientOrderId: order.clientOrderId },
    );
  } catch (err) {
    const mapped = mapExchangeError(err, exchange.id, 'createOrder');
    if (!isUncertain(mapped) && !looksDuplicate(err)) throw mapped;
    // It may have been placed: look before anything is retried.
    let seen: RemoteOrder | undefined;
    try {
      seen = await findByClientId(exchange, order.symbol, order.clientOrderId);
    } catch (lookupError) {
      throw uncertain(order.id, toAppError(lookupError));
    }
    if (!seen) throw uncertain(order.id, mapped);
    return completeOrder(exchange, seen, order.symbol);
  }
  return completeOrder(exchange, created, order.symbol);
}

/** The state an exchange order puts ours in. */
function statusFor(remote: RemoteOrder, amount: Decimal, filled: Decimal): OrderStatus {
  const done = remote.status === 'closed';
  const gone = remote.status === 'canceled' || remote.status === 'expired' || remote.status === 'rejected';
  if (done && filled.gte(amount)) return 'FILLED';
  if (done || gone) return filled.gt(0) ? (done ? 'FILLED' : 'CANCELLED') : 'REJECTED';
  return filled.gt(0) ? 'PARTIALLY_FILLED' : 'SUBMITTED';
}

/** Records what the exchange reports for an order: new fills, fees, position and status. */
export async function recordRemote(
  deps: TradingDeps,
  orderId: string,
  remote: RemoteOrder,
): Promise<ExecutionOutcome> {
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const order = await lockOrder(tx, orderId);
    if (!order || !OPEN_LIVE.includes(order.status))
      return { kind: 'skipped', reason: `order is ${order?.status}` };
    const [base, quote] = order.symbol.split('/') as [string, string];
    const amount = dec(order.amount);
    const filled = Decimal.min(dec(remote.filled ?? 0), amount);
    const before = dec(order.filledAmount);
    const avg = dec(remote.average ?? remote.price ?? order.avgFillPrice ?? 0);
    const fees = feesOf(remote);
    const feeCurrency = fees.has(quote) ? quote : fees.has(base) ? base : (order.feeCurrency ?? quote);
    const feeTotal = fees.get(feeCurrency) ?? dec(order.fee);
    if (filled.gt(before)) {
      const delta = filled.sub(before);
      const cost = filled.mul(avg).sub(before.mul(dec(order.avgFillPrice ?? 0)));
      const price = cost.div(delta).toDecimalPlaces(18);
      const feeDelta = Decimal.max(feeTotal.sub(order.feeCurrency === feeCurrency ? dec(order.fee) : 0), 0);
      const fill = {
        userId: order.userId,
        mode: 'LIVE' as const,
        asset: base,
        side: order.side,
        amount: delta,
        price,
        quoteFee: feeCurrency === quote ? feeDelta : new Decimal(0),
        baseFee: feeCurrency === base ? feeDelta : new Decimal(0),
      };
      const record = {
        orderId: order.id,
        tradeId: `${remote.id}:${filled.toFixed()}`,
        fee: feeDelta,
        feeCurrency,
      };
      await recordFill(tx, fill, record, await lockPosition(tx, fill));
    }
    const status = statusFor(remote, amount, filled);
    const patch = {
      exchangeOrderId: remote.id,
      filledAmount: dbString(filled),
      avgFillPrice: filled.gt(0) ? dbString(avg) : null,
      fee: dbString(feeTotal),
      feeCurrency,
      ...(status === 'REJECTED' ? { error: `The exchange reports the order ${remote.status}.` } : {}),
    };
    const moved = status !== order.status || (status === 'PARTIALLY_FILLED' && filled.gt(before));
    const updated = moved
      ? await advance(tx, order, [status], SYSTEM.worker, {
          detail: { exchangeOrderId: remote.id, remote: remote.status },
          patch,
        })
      : await tx.order.update({ where: { id: order.id }, data: patch });
    if (status === 'FILLED') return { kind: 'filled', order: updated };
    if (status === 'REJECTED' || status === 'CANCELLED') {
      const error = new AppError('ERR_EXCHANGE_REJECTED', `exchange reports ${remote.status}`);
      return { kind: 'rejected', order: updated, error };
    }
    return { kind: 'resting', order: updated };
  });
  const events: OrderEventMessage[] = [];
  if (outcome.kind === 'filled') events.push(orderEvent(outcome.order, 'order.filled'));
  if (outcome.kind === 'resting' && outcome.order.status === 'PARTIALLY_FILLED') {
    events.push(orderEvent(outcome.order, 'order.partially_filled'));
  }
  if (outcome.kind === 'rejected') {
    events.push(
      outcome.order.status === 'CANCELLED'
        ? orderEvent(outcome.order, 'order.cancelled')
        : orderEvent(outcome.order, 'order.rejected', {
            code: outcome.error.code,
            message: outcome.error.userMessage,
          }),
    );
  }
  await deps.events.publish(events);
  return outcome;
}

/** Executes (or resumes, or refreshes) a live order. Idempotent; throws AppErrors (retryable or not). */
export async function executeLiveOrder(deps: LiveDeps, orderId: string): Promise<ExecutionOutcome> {
  return deps.locks.withLock(orderId, async () => {
    let order = await deps.db.order.findUnique({ where: { id: orderId } });
    if (order?.mode !== 'LIVE') return { kind: 'skipped', reason: 'not a live order' };
    if (!OPEN_LIVE.includes(order.status)) return { kind: 'skipped', reason: `order is ${order.status}` };
    // A previous attempt may have sent it: anything already SUBMITTED is looked up before it is placed.
    const lookFirst = order.status !== 'QUEUED';
    if (order.status === 'QUEUED') {
      const claimed = await claim(deps, order);
      if ('kind' in claimed) return claimed;
      order = claimed;
    }
    const exchange = await deps.clients.forUser(order.userId, order.exchange);
    const remote = await place(exchange, order, lookFirst);
    return recordRemote(deps, orderId, remote);
  });
}
