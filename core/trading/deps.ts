/** What the trading functions need, passed explicitly: stores, configuration, market data, the queue, a clock. */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { type Actor, actorSchema, type ValidActor } from '../identity/types.ts';
import type { Logger } from '../logger.ts';
import type { MarketData } from '../market/market-data.ts';
import type { OrderId } from './ids.ts';
import type { EventPublisher } from './order-events.ts';
import type { ActorRef } from './transitions.ts';

/** Where confirmed orders go: the BullMQ `orders` queue in production (job id = order id). */
export interface OrderQueuePort {
  /** `mode`, when the caller knows it, saves the worker a lookup; the executors re-check it under lock. */
  enqueue(orderId: OrderId, mode?: TradingMode, symbol?: string): Promise<void>;
}

/**
 * Every money-path transaction says how long it may wait for a connection and run: a stuck statement
 * fails (and is retried) instead of holding row locks indefinitely. No network call happens inside one.
 */
export const TX_OPTIONS = { maxWait: 5_000, timeout: 10_000 } as const;

export type TradingMode = 'PAPER' | 'LIVE';

export interface TradingDeps {
  readonly db: Db;
  readonly config: Config;
  readonly logger: Logger;
  readonly market: MarketData;
  readonly queue: OrderQueuePort;
  readonly events: EventPublisher;
  /** The confirmation-handle secret (CONFIRM_SECRET or the one shared through Redis). */
  readonly secret: () => Promise<string>;
  readonly now: () => Date;
}

export function parseActor(actor: Actor): ValidActor {
  const parsed = actorSchema.safeParse(actor);
  if (!parsed.success)
    throw new AppError('ERR_VALIDATION', `invalid actor: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function userRef(actor: ValidActor): ActorRef & { kind: 'user' } {
  return { kind: 'user', userId: actor.userId, platform: actor.platform };
}

/** Prisma codes for a database that is busy or unreachable: worth retrying, not a bug. */
const TRANSIENT_DB_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

/** Database trouble as a retryable ERR_UNAVAILABLE; everything else unchanged. */
export function asServiceError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_DB_CODES.has(code)) {
    return new AppError('ERR_UNAVAILABLE', `database busy or unreachable (${code})`, { cause: err });
  }
  return err;
}
