/**
 * The trigger watcher: on every tick it relays what the outbox still holds (jobs and notifications Redis
 * did not take at commit time), expires stale proposals and triggers, prices every symbol with an active
 * trigger or a resting order, fires crossed triggers (each at most once), fills (or expires) resting
 * paper limit orders, cancels at the exchange the live orders their owners asked to cancel, reconciles
 * open live orders with the exchange, and re-queues orphaned orders. One statement first says which of
 * those polls would find anything (watch-agenda.ts); the others are skipped for this tick.
 */
import type { Queue } from 'bullmq';
import type { Decimal } from '../core/market/decimal.ts';
import { dec } from '../core/market/decimal.ts';
import type { OrderOperations } from '../core/trading/executor.ts';
import type { OrderId } from '../core/trading/ids.ts';
import type { LiveDeps } from '../core/trading/live-executor.ts';
import type { OrderJobData } from '../core/trading/order-queue.ts';
import { relayOutbox } from '../core/trading/outbox.ts';
import { safeError } from '../core/trading/safe-error.ts';
import { evaluateTriggers, expireStale } from '../core/trading/triggers.ts';
import { watchAgenda } from '../core/trading/watch-agenda.ts';
import { requeueOrphans } from './recovery.ts';

export interface WatcherOptions {
  readonly intervalMs: number;
  /** Live orders resting at the exchange are refreshed every this many ticks. */
  readonly liveSyncEvery?: number;
  readonly queue: Queue<OrderJobData>;
  /** A QUEUED order without a job for this long is re-queued. */
  readonly orphanAfterMs: number;
}

export interface Watcher {
  /** One pass, for tests and for the loop. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startTriggerWatcher(
  deps: LiveDeps,
  orders: OrderOperations,
  options: WatcherOptions,
  autostart = true,
): Watcher {
  let running = autostart;
  let ticks = 0;
  let wake: (() => void) | undefined;
  const log = deps.logger.child({ component: 'trigger-watcher' });

  async function prices(symbols: readonly string[]): Promise<Map<string, Decimal>> {
    const out = new Map<string, Decimal>();
    for (const symbol of symbols) {
      try {
        out.set(symbol, dec((await deps.market.ticker(symbol)).last));
      } catch (err) {
        log.warn({ err, symbol }, 'no price for triggers');
      }
    }
    return out;
  }

  async function tick(): Promise<void> {
    ticks++;
    const exchange = deps.market.exchangeId;
    const todo = await watchAgenda(deps.db, exchange, deps.now());
    if (todo.outbox)
      await relayOutbox(deps).catch((err: unknown) =>
        log.warn({ ...safeError(err) }, 'outbox relay: Redis not answering yet'),
      );
    if (todo.stale) await expireStale(deps);
    const [triggered, resting] = await Promise.all([
      todo.triggers
        ? deps.db.trigger.findMany({
            where: { status: 'ACTIVE', exchange },
            distinct: ['symbol'],
            select: { symbol: true },
          })
        : [],
      todo.resting ? orders.restingOrders(exchange) : [],
    ]);
    const priced = await prices([
      ...new Set([...triggered.map((t) => t.symbol), ...resting.map((o) => o.symbol)]),
    ]);
    await evaluateTriggers(deps, priced);
    await orders.refreshResting(resting, priced);
    // Every pass, not every tenth: the owner is waiting on a cancel they asked for in chat.
    for (const o of todo.cancels ? await orders.cancelRequested() : [])
      await orders
        .cancel(o)
        .catch((err: unknown) =>
          log.warn({ orderId: o.id, ...safeError(err) }, 'cancel at the exchange failed; retrying next pass'),
        );
    if (ticks % (options.liveSyncEvery ?? 10) === 0) {
      // Never one an executor is working on: a refresh takes the order's lock only if it is free.
      for (const o of await orders.openLiveOrders())
        await orders
          .refresh(o)
          .catch((err: unknown) =>
            log.warn({ orderId: o.id, ...safeError(err) }, 'live reconciliation failed; retrying later'),
          );
      await requeueOrphans(
        orders,
        options.queue,
        (id: OrderId) => deps.queue.enqueue(id),
        options.orphanAfterMs,
      );
    }
  }

  const loop = (async () => {
    while (running) {
      try {
        await tick();
      } catch (err) {
        log.error({ err }, 'trigger watcher tick failed');
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    tick,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
