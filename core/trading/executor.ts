/**
 * One execution interface over paper and live (ccxt) trading, and the order operations the worker role
 * calls. The order processor and the trigger watcher never branch on the mode: they ask for the
 * executor of the order's own mode (`executorsFor(deps)[order.mode]`) through `orderOperations`.
 *
 *   execute(orderId)  a QUEUED order (or one a previous attempt left at the venue): at most once;
 *   refresh(orderId)  an order open at the venue brought up to date (a resting paper limit the market
 *                     crossed or whose time in force ended; a live order reconciled with the exchange):
 *                     never places anything;
 *   cancel(orderId)   an order open at the venue cancelled there, and recorded as the venue reports it.
 *
 * The executors keep every guarantee of their own (paper-broker.ts, live-executor.ts): the claim and every
 * fill under the row lock with the kill switch and risk limits checked inside, fencing, no network call
 * while rows are locked. The worker keeps only scheduling, BullMQ glue and logging.
 */
import type { AppError } from '../errors.ts';
import type { Decimal } from '../market/decimal.ts';
import { dec } from '../market/decimal.ts';
import { type TradingDeps, type TradingMode, TX_OPTIONS } from './deps.ts';
import type { OrderId } from './ids.ts';
import { cancelLiveOrder, executeLiveOrder, type LiveDeps, SupersededError } from './live-executor.ts';
import { deliver } from './outbox.ts';
import {
  cancelResting,
  deliverOutcome,
  type ExecutionOutcome,
  executePaperOrder,
  fillRestingPaperOrder,
} from './paper-broker.ts';
import { safeError } from './safe-error.ts';
import { type ActorRef, advance, lockOrder, pendingOf, SYSTEM } from './transitions.ts';

export type { ExecutionOutcome };

export interface OrderExecutor {
  readonly mode: TradingMode;
  /** Executes a queued order, or resumes one a previous attempt may have sent. Idempotent. */
  execute(orderId: string, hint?: { readonly symbol?: string }): Promise<ExecutionOutcome>;
  /** Brings an order open at the venue up to date; `price` is the market's last price when known. */
  refresh(orderId: string, market?: { readonly price?: Decimal }): Promise<ExecutionOutcome>;
  /** Cancels an order open at the venue; what already filled stays filled. */
  cancel(orderId: string, by?: ActorRef): Promise<ExecutionOutcome>;
}

export type Executors = Readonly<Record<TradingMode, OrderExecutor>>;

/** The paper broker as an executor: fills against the market data, balances in the database. */
export function paperExecutor(deps: TradingDeps): OrderExecutor {
  return {
    mode: 'PAPER',
    execute: (orderId, hint) => executePaperOrder(deps, orderId, hint),
    refresh: (orderId, market) => fillRestingPaperOrder(deps, orderId, market?.price),
    async cancel(orderId, by = SYSTEM.worker) {
      const outcome = await deps.db.$transaction(async (tx): Promise<ExecutionOutcome> => {
        const order = await lockOrder(tx, orderId);
        if (order?.mode !== 'PAPER' || order.status !== 'SUBMITTED')
          return { kind: 'skipped', reason: 'not a resting paper order' };
        return { kind: 'cancelled', order: await cancelResting(tx, order, by) };
      }, TX_OPTIONS);
      await deliverOutcome(deps, outcome);
      return outcome;
    },
  };
}

/** ccxt against the user's exchange account (keys from the vault), one executor per order at a time. */
export function liveExecutor(deps: LiveDeps): OrderExecutor {
  return {
    mode: 'LIVE',
    execute: (orderId) => executeLiveOrder(deps, orderId),
    refresh: (orderId) => executeLiveOrder(deps, orderId, { reconcile: true }),
    cancel: (orderId) => cancelLiveOrder(deps, orderId),
  };
}

export function executorsFor(deps: LiveDeps): Executors {
  return { PAPER: paperExecutor(deps), LIVE: liveExecutor(deps) };
}

/** A resting paper limit order as the watcher prices it. */
export interface RestingOrder {
  readonly id: string;
  readonly mode: TradingMode;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly limitPrice: { toString(): string } | null;
  readonly restingUntil: Date | null;
}

export const CHECKING_MESSAGE =
  'We could not confirm this order with the exchange yet; we keep checking and will tell you the outcome.';

const FAILABLE = new Set(['QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED']);
const AT_THE_EXCHANGE = new Set(['SUBMITTED', 'PARTIALLY_FILLED']);

/** What the worker role does to orders, without touching `Order` rows or transitions itself. */
export interface OrderOperations {
  /**
   * Executes an order by the executor of its mode (`mode` from the job saves a lookup; the executor
   * re-checks it under lock). An order another executor took over is `skipped`: that one finishes it.
   */
  execute(
    orderId: string,
    hint?: { readonly mode?: TradingMode; readonly symbol?: string },
  ): Promise<ExecutionOutcome>;
  /** Refreshes an order open at its venue by the executor of its mode. */
  refresh(
    order: { readonly id: string; readonly mode: TradingMode },
    price?: Decimal,
  ): Promise<ExecutionOutcome>;
  /** Resting paper limit orders on `exchange` (at most 1,000 per pass). */
  restingOrders(exchange: string): Promise<RestingOrder[]>;
  /**
   * Refreshes the resting orders whose limit `prices` crossed or whose time in force ended; the others
   * are not locked at all. Returns how many were refreshed.
   */
  refreshResting(resting: readonly RestingOrder[], prices: ReadonlyMap<string, Decimal>): Promise<number>;
  /**
   * Every live order the exchange may hold, also those whose exchange id we never learnt (they are
   * found by client id), least recently updated first (at most 200 per pass).
   */
  openLiveOrders(): Promise<{ readonly id: string; readonly mode: TradingMode }[]>;
  /** Live orders open at the exchange that their owner asked to cancel (at most 200 per pass). */
  cancelRequested(): Promise<{ readonly id: string; readonly mode: TradingMode }[]>;
  /** Cancels an order at its venue by the executor of its mode; what already filled stays filled. */
  cancel(order: { readonly id: string; readonly mode: TradingMode }): Promise<ExecutionOutcome>;
  /** QUEUED orders not moved for `olderThanMs` (a job that was never added, or removed). */
  orphanedQueuedOrders(olderThanMs: number): Promise<OrderId[]>;
  /**
   * A permanent failure. A live order that was or may have been sent is never marked FAILED on a guess:
   * it stays open, noted as being checked, and the watcher reconciles it by client order id. Only what
   * never left us (QUEUED, paper) becomes FAILED, and its owner is told after `deadLetter` (the worker's
   * copy for an operator) ran. Error text from the exchange is never stored (safe-error.ts).
   */
  fail(
    orderId: string,
    error: AppError,
    attempts: number,
    deadLetter: () => Promise<void>,
  ): Promise<'failed' | 'checking' | 'skipped'>;
}

export function orderOperations(deps: LiveDeps, executors: Executors = executorsFor(deps)): OrderOperations {
  const refresh: OrderOperations['refresh'] = (order, price) =>
    executors[order.mode].refresh(order.id, { price });
  return {
    async execute(orderId, hint = {}) {
      let { mode, symbol } = hint;
      if (!mode) {
        const row = await deps.db.order.findUnique({
          where: { id: orderId },
          select: { mode: true, symbol: true },
        });
        if (!row) return { kind: 'skipped', reason: 'no such order' };
        mode = row.mode;
        symbol ??= row.symbol;
      }
      try {
        return await executors[mode].execute(orderId, { symbol });
      } catch (err) {
        // This executor's lock connection failed and another took the order: that one finishes it.
        if (err instanceof SupersededError) return { kind: 'skipped', reason: 'superseded' };
        throw err;
      }
    },
    refresh,
    restingOrders: (exchange) =>
      deps.db.order.findMany({
        where: { status: 'SUBMITTED', mode: 'PAPER', type: 'LIMIT', exchange },
        select: { id: true, mode: true, symbol: true, side: true, limitPrice: true, restingUntil: true },
        take: 1_000,
      }),
    async refreshResting(resting, prices) {
      const now = deps.now();
      let refreshed = 0;
      for (const o of resting) {
        const price = prices.get(o.symbol);
        const limit = dec(o.limitPrice ?? 0);
        const crossed = price && (o.side === 'BUY' ? price.lte(limit) : price.gte(limit));
        // Locked and re-checked (kill switch, limits, time in force) only when there is something to do.
        if (!crossed && !(o.restingUntil && now >= o.restingUntil)) continue;
        await refresh(o, price);
        refreshed++;
      }
      return refreshed;
    },
    openLiveOrders: () =>
      deps.db.order.findMany({
        where: { mode: 'LIVE', status: { in: ['SUBMITTED', 'PARTIALLY_FILLED'] } },
        select: { id: true, mode: true },
        orderBy: { updatedAt: 'asc' },
        take: 200,
      }),
    cancelRequested: () =>
      deps.db.order.findMany({
        where: {
          mode: 'LIVE',
          status: { in: ['SUBMITTED', 'PARTIALLY_FILLED'] },
          cancelRequestedAt: { not: null },
        },
        select: { id: true, mode: true },
        orderBy: { cancelRequestedAt: 'asc' },
        take: 200,
      }),
    cancel: (order) => executors[order.mode].cancel(order.id),
    async orphanedQueuedOrders(olderThanMs) {
      const rows = await deps.db.order.findMany({
        where: { status: 'QUEUED', updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
        select: { id: true },
        take: 500,
      });
      return rows.map((r) => r.id as OrderId);
    },
    async fail(orderId, error, attempts, deadLetter) {
      const safe = safeError(error);
      const message = error.userMessage;
      const result = await deps.db.$transaction(async (tx) => {
        const order = await lockOrder(tx, orderId);
        if (!order || !FAILABLE.has(order.status)) return 'skipped' as const;
        // The exchange answered "no" (fatal): nothing was placed. Otherwise it may hold the order.
        const mayBeThere = error.retryable || error.code === 'ERR_ORDER_UNCERTAIN';
        if (order.mode === 'LIVE' && AT_THE_EXCHANGE.has(order.status) && mayBeThere) {
          await tx.order.update({ where: { id: order.id }, data: { error: CHECKING_MESSAGE } });
          return 'checking' as const;
        }
        return advance(tx, order, ['FAILED'], SYSTEM.worker, {
          detail: { ...safe, attempts },
          patch: { error: message },
          notify: [{ type: 'order.failed', extra: { code: error.code, message } }],
        });
      }, TX_OPTIONS);
      await deadLetter();
      if (typeof result === 'string') return result;
      await deliver(deps, pendingOf(result));
      return 'failed';
    },
  };
}
