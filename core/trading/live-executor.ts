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
import type { Config } from '../config.ts';
import { AppError, toAppError } from '../errors.ts';
import { isUncertain, mapExchangeError } from '../market/ccxt-errors.ts';
import { Decimal, dbString, dec } from '../market/decimal.ts';
import { type TradingDeps, TX_OPTIONS } from './deps.ts';
import type { ExchangeClients } from './exchange-clients.ts';
import type { LockLease, OrderLocks } from './order-lock.ts';
import type { OrderStatus } from './order-states.ts';
import { deliver, type Notice } from './outbox.ts';
import { deliverOutcome, type ExecutionOutcome, expireLate, pastDeadline } from './paper-broker.ts';
import { lockPosition, recordFill } from './positions.ts';
import { completeOrder, feesOf, findByClientId, type RemoteOrder } from './remote-orders.ts';
import { evaluateRisk, lockOrderForExecution } from './risk.ts';
import { advance, lockOrder, type OrderRow, orderColumns, pendingOf, SYSTEM } from './transitions.ts';

export interface LiveDeps extends TradingDeps {
  readonly locks: OrderLocks;
  readonly clients: ExchangeClients;
}

const OPEN_LIVE: readonly OrderStatus[] = ['QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED'];

function uncertain(orderId: string, cause: AppError): AppError {
  return new AppError('ERR_ORDER_UNCERTAIN', `order ${orderId}: exchange outcome unknown (${cause.code})`, {
    cause,
    details: { orderId },
  });
}

/** Another executor took the order (this one's lock connection failed): stop, send and book nothing. */
export class SupersededError extends AppError {
  constructor(orderId: string) {
    super('ERR_ORDER_STATE', `order ${orderId}: another executor took over`, { details: { orderId } });
  }
}

const looksDuplicate = (err: unknown) => /duplicate/i.test(err instanceof Error ? err.message : String(err));

/**
 * Takes the order for this executor: bumps its attempt number (the fencing token) and returns the row,
 * or undefined when it is not an open live order. Called with the advisory lock held.
 */
async function takeOrder(deps: LiveDeps, orderId: string): Promise<OrderRow | undefined> {
  const rows = await deps.db.$queryRaw<OrderRow[]>`
    UPDATE "Order" SET attempt = attempt + 1
    WHERE id = ${orderId}::uuid AND mode = 'LIVE'::"TradingMode"
      AND status IN ('QUEUED'::"OrderStatus", 'SUBMITTED'::"OrderStatus", 'PARTIALLY_FILLED'::"OrderStatus")
    RETURNING ${orderColumns}`;
  return rows[0];
}

/** Throws SupersededError unless this executor still holds the order: its lock and its attempt number. */
async function assertFence(deps: LiveDeps, orderId: string, fence: number, lease: LockLease): Promise<void> {
  if (lease.signal.aborted) throw new SupersededError(orderId);
  const row = await deps.db.order.findUnique({ where: { id: orderId }, select: { attempt: true } });
  if (row?.attempt !== fence || lease.signal.aborted) throw new SupersededError(orderId);
}

/**
 * QUEUED → SUBMITTED through the one execution guard: in one transaction over the locked order and
 * position, the fencing token, the deadline, the kill switch and every risk limit (with the other buys of
 * the asset already out) are checked against the price read before it. Nothing is sent yet.
 */
async function claim(deps: LiveDeps, order: OrderRow, fence: number): Promise<ExecutionOutcome | OrderRow> {
  const [base, quote] = order.symbol.split('/') as [string, string];
  // The network first: nothing is locked while the ticker is read.
  const price = order.limitPrice ? dec(order.limitPrice) : dec((await deps.market.ticker(order.symbol)).last);
  const result = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome | OrderRow> => {
    const now = deps.now();
    const locked = await lockOrderForExecution(tx, order.id, now);
    if (!locked) return { kind: 'skipped', reason: 'no such order' };
    const current = locked.order;
    if (current.attempt !== fence) throw new SupersededError(order.id);
    if (current.status !== 'QUEUED') return { kind: 'skipped', reason: `order is ${current.status}` };
    if (pastDeadline(current, now)) return expireLate(tx, current);
    try {
      await evaluateRisk(
        tx,
        deps.config,
        {
          userId: current.userId,
          mode: 'LIVE',
          exchange: current.exchange,
          side: current.side,
          base,
          quote,
          amount: dec(current.amount),
          price,
          stage: 'execution',
          now,
        },
        locked.snapshot,
      );
    } catch (err) {
      const riskError = toAppError(err);
      if (riskError.retryable) throw riskError;
      const message = riskError.userMessage;
      const rejected = await advance(tx, current, ['REJECTED'], SYSTEM.worker, {
        detail: { code: riskError.code },
        patch: { error: message },
        notify: [{ type: 'order.rejected', extra: { code: riskError.code, message } }],
      });
      return { kind: 'rejected', order: rejected, error: riskError };
    }
    return advance(tx, current, ['SUBMITTED'], SYSTEM.worker, {
      detail: { clientOrderId: current.clientOrderId, attempt: fence },
      notify: [{ type: 'order.submitted' }],
    });
  }, TX_OPTIONS);
  await deliver(
    deps,
    pendingOf('kind' in result ? (result.kind === 'skipped' ? undefined : result.order) : result),
  );
  return result;
}

type Found =
  | { readonly kind: 'found'; readonly remote: RemoteOrder }
  | { readonly kind: 'not_found' }
  /** Not sent: its deadline passed before it could be (and nothing was sent before). */
  | { readonly kind: 'not_sent' };

/**
 * How long a createOrder stays acceptable at the venue after we sign it: past that the venue itself
 * refuses it (Binance: `recvWindow` after the signed timestamp; Kraken: the AddOrder `deadline`), so a
 * request stuck on its way cannot be placed after we gave the order up. Twice our request timeout,
 * within what the venues allow (Kraken: 2 to 60 s ahead; Binance: under 60 s).
 */
export function sendValidityMs(exchangeId: string, config: Pick<Config, 'EXCHANGE_TIMEOUT_MS'>): number {
  const ms = Math.min(59_000, Math.max(2_000, 2 * config.EXCHANGE_TIMEOUT_MS));
  return VALIDITY_PARAMS[exchangeId] ? ms : UNBOUNDED_ARRIVAL_MS;
}

/** The createOrder parameters that bound its validity at the venue, for the venues that have one. */
const VALIDITY_PARAMS: Readonly<Record<string, (ms: number) => Record<string, unknown>>> = {
  binance: (ms) => ({ recvWindow: ms }),
  binanceus: (ms) => ({ recvWindow: ms }),
  kraken: (ms) => ({ deadline: new Date(Date.now() + ms).toISOString() }),
};

/**
 * A venue whose createOrder we cannot bound: a request stuck on its way is waited for this long (ten
 * minutes) before an order it never showed is given up. Not a guarantee, only a wide margin.
 */
const UNBOUNDED_ARRIVAL_MS = 600_000;

/** Clock skew between us and the venue we allow for (Binance refuses requests > 1 s ahead of it). */
const SKEW_MS = 5_000;

/**
 * The exchange's view of the order: by exchange id when we have it, else by client id; with
 * `send`, an order the exchange has never seen is placed (after `send` proves we still hold it and may
 * still send), valid at the venue for `validityMs` only.
 */
async function resolveRemote(
  exchange: Exchange,
  order: OrderRow,
  options: {
    readonly lookFirst: boolean;
    /** Proves we may still send (fence, deadline); false: the deadline passed first, nothing is sent. */
    readonly send?: () => Promise<boolean>;
    readonly validityMs?: number;
  },
): Promise<Found> {
  if (order.exchangeOrderId) {
    const remote = await completeOrder(exchange, { id: order.exchangeOrderId } as RemoteOrder, order.symbol);
    return { kind: 'found', remote };
  }
  if (options.lookFirst || !options.send) {
    const seen = await findByClientId(exchange, order.symbol, order.clientOrderId);
    if (seen) return { kind: 'found', remote: await completeOrder(exchange, seen, order.symbol) };
    if (!options.send) return { kind: 'not_found' };
  }
  if (!(await options.send())) return { kind: 'not_sent' };
  const validity = VALIDITY_PARAMS[exchange.id];
  let created: RemoteOrder;
  try {
    created = await exchange.createOrder(
      order.symbol,
      order.type === 'LIMIT' ? 'limit' : 'market',
      order.side === 'BUY' ? 'buy' : 'sell',
      dec(order.amount).toNumber(),
      order.limitPrice ? dec(order.limitPrice).toNumber() : undefined,
      {
        clientOrderId: order.clientOrderId,
        ...(validity && options.validityMs ? validity(options.validityMs) : {}),
      },
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
    return { kind: 'found', remote: await completeOrder(exchange, seen, order.symbol) };
  }
  return { kind: 'found', remote: await completeOrder(exchange, created, order.symbol) };
}

/**
 * Asks the exchange to cancel the order (by exchange id when we know it, else by client id). Answered
 * "done" or "no such open order" returns; anything else is an uncertain outcome, retried later.
 */
async function cancelAtExchange(exchange: Exchange, order: OrderRow): Promise<void> {
  try {
    if (order.exchangeOrderId) await exchange.cancelOrder(order.exchangeOrderId, order.symbol);
    else
      await exchange.cancelOrder(undefined as unknown as string, order.symbol, {
        clientOrderId: order.clientOrderId,
      });
  } catch (err) {
    const mapped = mapExchangeError(err, exchange.id, 'cancelOrder');
    if (mapped.code !== 'ERR_NOT_FOUND') throw uncertain(order.id, mapped);
  }
}

/** When an order that the exchange says it has never seen may be given up (its deadline, or one for limits). */
function giveUpAt(deps: LiveDeps, order: OrderRow): Date {
  if (order.executeBy) return order.executeBy;
  const from = order.confirmedAt ?? order.updatedAt;
  return new Date(from.getTime() + deps.config.MAX_EXECUTION_DELAY_SECONDS * 1000);
}

const NEVER_PLACED =
  'The exchange never received this order in time, so it was not placed. Nothing was bought or sold.';

/**
 * Giving up on an order the exchange says it has never seen: first a cancel at the exchange by client
 * id (should it surface late, it must not fill), and only when that is answered, EXPIRED.
 */
async function giveUp(
  deps: LiveDeps,
  exchange: Exchange,
  order: OrderRow,
  fence: number,
): Promise<ExecutionOutcome> {
  await cancelAtExchange(exchange, order);
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const locked = await lockOrder(tx, order.id);
    if (!locked || locked.attempt !== fence) throw new SupersededError(order.id);
    if (locked.status !== 'SUBMITTED') return { kind: 'skipped', reason: `order is ${locked.status}` };
    const expired = await advance(tx, locked, ['EXPIRED'], SYSTEM.worker, {
      detail: { reason: 'never placed at the exchange', clientOrderId: locked.clientOrderId },
      patch: { error: NEVER_PLACED },
      notify: [{ type: 'order.expired', extra: { message: NEVER_PLACED } }],
    });
    return { kind: 'expired', order: expired };
  }, TX_OPTIONS);
  await deliverOutcome(deps, outcome);
  return outcome;
}

/** The state an exchange order puts ours in. */
function statusFor(remote: RemoteOrder, amount: Decimal, filled: Decimal, cancelled: boolean): OrderStatus {
  const done = remote.status === 'closed';
  const gone = remote.status === 'canceled' || remote.status === 'expired' || remote.status === 'rejected';
  if (done && filled.gte(amount)) return 'FILLED';
  // An order we asked the exchange to cancel ended as we asked; one it ended by itself was refused.
  if (cancelled && remote.status === 'canceled') return 'CANCELLED';
  if (done || gone) return filled.gt(0) ? (done ? 'FILLED' : 'CANCELLED') : 'REJECTED';
  return filled.gt(0) ? 'PARTIALLY_FILLED' : 'SUBMITTED';
}

/** Records what the exchange reports for an order: new fills, fees, position and status. */
export async function recordRemote(
  deps: TradingDeps,
  orderId: string,
  remote: RemoteOrder,
  fence?: number,
  options: { readonly cancelled?: boolean } = {},
): Promise<ExecutionOutcome> {
  const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
    const order = await lockOrder(tx, orderId);
    if (!order || !OPEN_LIVE.includes(order.status))
      return { kind: 'skipped', reason: `order is ${order?.status}` };
    // Compare-and-set on the fencing token: a superseded executor books nothing.
    if (fence !== undefined && order.attempt !== fence) throw new SupersededError(orderId);
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
    const status = statusFor(remote, amount, filled, options.cancelled ?? false);
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
          notify: noticesFor(status, remote),
        })
      : await tx.order.update({ where: { id: order.id }, data: patch });
    if (status === 'FILLED') return { kind: 'filled', order: updated };
    if (status === 'CANCELLED') return { kind: 'cancelled', order: updated };
    if (status === 'REJECTED') {
      const error = new AppError('ERR_EXCHANGE_REJECTED', `exchange reports ${remote.status}`);
      return { kind: 'rejected', order: updated, error };
    }
    return { kind: 'resting', order: updated };
  }, TX_OPTIONS);
  await deliverOutcome(deps, outcome);
  return outcome;
}

function noticesFor(status: OrderStatus, remote: RemoteOrder): Notice[] {
  switch (status) {
    case 'FILLED':
      return [{ type: 'order.filled' }];
    case 'PARTIALLY_FILLED':
      return [{ type: 'order.partially_filled' }];
    case 'CANCELLED':
      return [{ type: 'order.cancelled' }];
    case 'REJECTED':
      return [
        {
          type: 'order.rejected',
          extra: {
            code: 'ERR_EXCHANGE_REJECTED',
            message: `The exchange reports the order ${remote.status}.`,
          },
        },
      ];
    default:
      return [];
  }
}

/** Runs `run` holding the order's lock; without `wait`, skips an order another executor holds. */
async function underLock(
  deps: LiveDeps,
  orderId: string,
  wait: boolean,
  run: (lease: LockLease) => Promise<ExecutionOutcome>,
): Promise<ExecutionOutcome> {
  if (wait) return deps.locks.withLock(orderId, run);
  return (await deps.locks.tryWithLock(orderId, run)) ?? { kind: 'skipped', reason: 'being executed' };
}

async function connected(deps: LiveDeps, order: OrderRow): Promise<Exchange> {
  const exchange = await deps.clients.forUser(order.userId, order.exchange);
  try {
    await exchange.loadMarkets();
  } catch (err) {
    throw mapExchangeError(err, exchange.id, 'loadMarkets');
  }
  return exchange;
}

/**
 * Cancels a live order open at the exchange, then records what the exchange reports (what filled before
 * stays filled). An order the exchange has not seen is left as it is, for reconciliation to settle.
 * `wait: false` (the watcher) skips an order another executor is working on.
 */
export async function cancelLiveOrder(
  deps: LiveDeps,
  orderId: string,
  options: { readonly wait?: boolean } = {},
): Promise<ExecutionOutcome> {
  const run = async (lease: LockLease): Promise<ExecutionOutcome> => {
    const order = await takeOrder(deps, orderId);
    if (!order || order.status === 'QUEUED') return { kind: 'skipped', reason: 'not open at the exchange' };
    const fence = order.attempt;
    const exchange = await connected(deps, order);
    await cancelAtExchange(exchange, order);
    const found = await resolveRemote(exchange, order, { lookFirst: true });
    if (found.kind !== 'found') return { kind: 'skipped', reason: 'not at the exchange' };
    if (lease.signal.aborted) throw new SupersededError(orderId);
    return recordRemote(deps, orderId, found.remote, fence, { cancelled: true });
  };
  return underLock(deps, orderId, options.wait ?? true, run);
}

/**
 * Executes (or resumes, or refreshes) a live order. Idempotent; throws AppErrors (retryable or not).
 * `reconcile` (the watcher): never sends, never waits for a lock another executor holds; an order the
 * exchange has never seen is given up once its deadline has passed (cancelled there first).
 */
export async function executeLiveOrder(
  deps: LiveDeps,
  orderId: string,
  options: { readonly reconcile?: boolean } = {},
): Promise<ExecutionOutcome> {
  const run = async (lease: LockLease): Promise<ExecutionOutcome> => {
    let order = await takeOrder(deps, orderId);
    if (!order) return { kind: 'skipped', reason: 'not an open live order' };
    const fence = order.attempt;
    // A previous attempt may have sent it: anything already SUBMITTED is looked up before it is placed.
    const lookFirst = order.status !== 'QUEUED';
    if (order.status === 'QUEUED') {
      if (options.reconcile) return { kind: 'skipped', reason: 'not claimed yet' };
      const claimed = await claim(deps, order, fence);
      if ('kind' in claimed) return claimed;
      order = claimed;
    }
    const exchange = await connected(deps, order);
    const now = deps.now();
    const deadline = giveUpAt(deps, order);
    const mayCreate = !options.reconcile && !(lookFirst && now > deadline);
    const validityMs = sendValidityMs(exchange.id, deps.config);
    const found = await resolveRemote(exchange, order, {
      lookFirst,
      validityMs,
      // Never sent after the deadline: with the venue-side validity, nothing can land after `final`.
      send: mayCreate
        ? async () => {
            await assertFence(deps, orderId, fence, lease);
            return deps.now() <= deadline;
          }
        : undefined,
    });
    // Nobody ever sent it (this attempt found it QUEUED): expired, cancelled at the exchange first.
    if (found.kind === 'not_sent') return giveUp(deps, exchange, order, fence);
    if (found.kind === 'not_found') {
      // A createOrder sent before the deadline may still be on its way until the venue must refuse it.
      const final = deadline.getTime() + validityMs + SKEW_MS;
      if (now.getTime() <= final) return { kind: 'skipped', reason: 'not at the exchange yet' };
      return giveUp(deps, exchange, order, fence);
    }
    if (lease.signal.aborted) throw new SupersededError(orderId);
    return recordRemote(deps, orderId, found.remote, fence);
  };
  return underLock(deps, orderId, !options.reconcile, run);
}
