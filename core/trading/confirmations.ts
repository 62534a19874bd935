/**
 * Whether a button press counts. A confirmation succeeds only with a handle we signed, only for the
 * order's owner, only while the proposal is open and unexpired, and only once: a second press is a
 * no-op. Every refused attempt is written to the audit log (who, which order, why) and executes nothing.
 */
import { AppError, type ErrorCode } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor, ValidActor } from '../identity/types.ts';
import { readHandle, verifyHandle } from './confirm-handle.ts';
import { parseActor, type TradingDeps, TX_OPTIONS, userRef } from './deps.ts';
import type { OrderId } from './ids.ts';
import { deliver, type Notice } from './outbox.ts';
import {
  advance,
  lockOrder,
  type OrderPatch,
  type OrderRow,
  pendingOf,
  SYSTEM,
  type Tx,
  transition,
} from './transitions.ts';
import { TRIGGER_TTL_MS } from './triggers.ts';
import { type OrderView, orderView } from './views.ts';

export type ConfirmResult =
  /** Queued for execution, or (conditional orders) waiting for the trigger price. */
  | {
      readonly status: 'confirmed';
      readonly order: OrderView;
      readonly waitingForTrigger: boolean;
      /**
       * 'queued': the worker has it. 'pending': committed, but the queue did not answer in time; it is
       * handed over as soon as the queue is back (the outbox relay), or expires at `executeBy`.
       */
      readonly handOff: 'queued' | 'pending' | 'waiting_for_trigger';
      /** A market order not executed by then expires instead of filling. */
      readonly executeBy?: Date;
      /** The truth to tell the owner when it is not simply queued; safe to show. */
      readonly notice?: string;
    }
  /** The proposal was confirmed before: nothing happened now. */
  | { readonly status: 'already_confirmed'; readonly order: OrderView };

type Checked =
  | { readonly kind: 'ok'; readonly order: OrderRow }
  | { readonly kind: 'reject'; readonly code: ErrorCode; readonly reason: string }
  | { readonly kind: 'expired'; readonly order: OrderRow }
  | { readonly kind: 'not_open'; readonly order: OrderRow };

const CONFIRMED_OR_LATER = new Set(['CONFIRMED', 'QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED', 'FILLED']);

/** The checks both buttons share; locks the order row when the handle names a real order. */
async function check(
  deps: TradingDeps,
  tx: Tx,
  handle: string,
  actor: ValidActor,
  orderId: OrderId,
  claimedExpiry: Date,
): Promise<Checked> {
  const order = await lockOrder(tx, orderId);
  if (!order || !verifyHandle(await deps.secret(), handle, order.userId)) {
    return { kind: 'reject', code: 'ERR_BAD_HANDLE', reason: order ? 'tampered' : 'unknown_order' };
  }
  if (order.userId !== actor.userId) return { kind: 'reject', code: 'ERR_NOT_OWNER', reason: 'not_owner' };
  if (order.status !== 'PROPOSED') return { kind: 'not_open', order };
  const now = deps.now();
  if (now >= order.expiresAt || now >= claimedExpiry) {
    return {
      kind: 'expired',
      order: await advance(tx, order, ['EXPIRED'], SYSTEM.expirer, {
        detail: { reason: 'pressed after expiry' },
        notify: [{ type: 'order.expired' }],
      }),
    };
  }
  return { kind: 'ok', order };
}

/** An attempt that did not count, in the audit log with who pressed, where and why. */
async function auditRefusal(
  deps: TradingDeps,
  actor: ValidActor,
  action: string,
  orderId: string | undefined,
  detail: Record<string, unknown>,
): Promise<void> {
  await audit(deps.db, {
    actorUserId: actor.userId,
    platform: actor.platform,
    action,
    subjectType: 'Order',
    subjectId: orderId,
    outcome: 'rejected',
    detail: { ...detail, ...(actor.chatId ? { chatId: actor.chatId } : {}) },
  });
}

async function refuse(
  deps: TradingDeps,
  actor: ValidActor,
  action: string,
  orderId: string | undefined,
  code: ErrorCode,
  reason: string,
): Promise<never> {
  await auditRefusal(deps, actor, action, orderId, { reason });
  throw new AppError(code, `${action} refused: ${reason}`, { details: { orderId, reason } });
}

function claims(deps: TradingDeps, actor: ValidActor, action: string, handle: string) {
  try {
    return readHandle(handle);
  } catch {
    return refuse(deps, actor, action, undefined, 'ERR_BAD_HANDLE', 'malformed');
  }
}

/**
 * The common press, in one statement: the owner's valid handle for an open market or limit order moves it
 * to QUEUED if, and only if, it is still PROPOSED, unexpired and theirs. Anything else (a replay, an
 * expired or conditional order, a forged handle) returns undefined and takes the locked path below, which
 * tells the cases apart and audits them.
 */
async function confirmAtOnce(
  deps: TradingDeps,
  handle: string,
  actor: ValidActor,
  orderId: OrderId,
  claimedExpiry: Date,
): Promise<OrderRow | undefined> {
  const now = deps.now();
  // Signed for this user: the order is theirs (the handle names owner and expiry under our secret).
  if (now >= claimedExpiry || !verifyHandle(await deps.secret(), handle, actor.userId)) return undefined;
  return transition(deps.db, orderId, 'PROPOSED', ['CONFIRMED', 'QUEUED'], userRef(actor), {
    patch: queuePatch(deps, now, undefined),
    guard: { userId: actor.userId, unexpiredAt: now, withoutTrigger: true },
    notify: QUEUED_NOTICES,
  });
}

/** The job and the `order.queued` notification, promised in the same statement as QUEUED. */
export const QUEUED_NOTICES: readonly Notice[] = [{ type: 'order.queued', job: true }];

/**
 * Confirmation columns for an order going to the queue now: a market order must execute within
 * MAX_EXECUTION_DELAY_SECONDS of this moment (for a conditional order, the moment it fired); a limit
 * price already protects a limit order. The one-statement press does not know the type: SQL decides.
 */
export function queuePatch(
  deps: Pick<TradingDeps, 'config'>,
  now: Date,
  type: 'MARKET' | 'LIMIT' | undefined,
  confirmed = true,
): OrderPatch {
  const executeBy = new Date(now.getTime() + deps.config.MAX_EXECUTION_DELAY_SECONDS * 1000);
  return {
    ...(confirmed ? { confirmedAt: now } : {}),
    ...(type === undefined ? { executeByIfMarket: executeBy } : type === 'MARKET' ? { executeBy } : {}),
  };
}

function timeOfDay(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}

async function queued(deps: TradingDeps, order: OrderRow): Promise<ConfirmResult> {
  const handedOver = await deliver(deps, pendingOf(order));
  const executeBy = order.executeBy ?? undefined;
  const base = { status: 'confirmed', order: orderView(order), waitingForTrigger: false, executeBy } as const;
  if (handedOver) return { ...base, handOff: 'queued' };
  return {
    ...base,
    handOff: 'pending',
    notice: executeBy
      ? `Confirmed. The order queue is not answering right now: your order executes as soon as it is back, or expires at ${timeOfDay(executeBy)} if that takes too long.`
      : 'Confirmed. The order queue is not answering right now: your order executes as soon as it is back.',
  };
}

export async function confirm(deps: TradingDeps, handle: string, actorInput: Actor): Promise<ConfirmResult> {
  const actor = parseActor(actorInput);
  const action = 'order.confirm';
  const { orderId, expiresAt } = await claims(deps, actor, action, handle);
  const confirmed = await confirmAtOnce(deps, handle, actor, orderId, expiresAt);
  if (confirmed) return queued(deps, confirmed);
  const outcome = await deps.db.$transaction(async (tx) => {
    const checked = await check(deps, tx, handle, actor, orderId, expiresAt);
    if (checked.kind !== 'ok') return checked;
    const now = deps.now();
    if (checked.order.triggerPrice) {
      const order = await advance(tx, checked.order, ['CONFIRMED'], userRef(actor), {
        patch: { confirmedAt: now },
      });
      await tx.trigger.create({
        data: {
          userId: order.userId,
          kind: 'CONDITIONAL_ORDER',
          exchange: order.exchange,
          symbol: order.symbol,
          direction: order.triggerDir!,
          price: order.triggerPrice!,
          orderId: order.id,
          platform: order.platform,
          chatId: order.chatId,
          expiresAt: new Date(now.getTime() + TRIGGER_TTL_MS),
        },
      });
      return { kind: 'confirmed' as const, order, queued: false };
    }
    const order = await advance(tx, checked.order, ['CONFIRMED', 'QUEUED'], userRef(actor), {
      patch: queuePatch(deps, now, checked.order.type),
      notify: QUEUED_NOTICES,
    });
    return { kind: 'confirmed' as const, order, queued: true };
  }, TX_OPTIONS);
  switch (outcome.kind) {
    case 'reject':
      return refuse(deps, actor, action, orderId, outcome.code, outcome.reason);
    case 'expired':
      await deliver(deps, pendingOf(outcome.order));
      return refuse(deps, actor, action, orderId, 'ERR_ORDER_EXPIRED', 'expired');
    case 'not_open':
      if (CONFIRMED_OR_LATER.has(outcome.order.status)) {
        await auditRefusal(deps, actor, action, orderId, { reason: 'replay', status: outcome.order.status });
        return { status: 'already_confirmed', order: orderView(outcome.order) };
      }
      return refuse(
        deps,
        actor,
        action,
        orderId,
        outcome.order.status === 'EXPIRED' ? 'ERR_ORDER_EXPIRED' : 'ERR_ORDER_STATE',
        `order is ${outcome.order.status}`,
      );
    case 'confirmed':
      if (outcome.queued) return queued(deps, outcome.order);
      return {
        status: 'confirmed',
        order: orderView(outcome.order),
        waitingForTrigger: true,
        handOff: 'waiting_for_trigger',
      };
  }
}

/** The Cancel button on a proposal card: the owner declines; nothing was ever queued. */
export async function decline(deps: TradingDeps, handle: string, actorInput: Actor): Promise<OrderView> {
  const actor = parseActor(actorInput);
  const action = 'order.decline';
  const { orderId, expiresAt } = await claims(deps, actor, action, handle);
  const outcome = await deps.db.$transaction(async (tx) => {
    const checked = await check(deps, tx, handle, actor, orderId, expiresAt);
    if (checked.kind !== 'ok') return checked;
    return {
      kind: 'declined' as const,
      order: await advance(tx, checked.order, ['CANCELLED'], userRef(actor), {
        detail: { reason: 'declined' },
        notify: [{ type: 'order.cancelled' }],
      }),
    };
  }, TX_OPTIONS);
  switch (outcome.kind) {
    case 'reject':
      return refuse(deps, actor, action, orderId, outcome.code, outcome.reason);
    case 'expired':
      await deliver(deps, pendingOf(outcome.order));
      return orderView(outcome.order);
    case 'not_open':
      return refuse(deps, actor, action, orderId, 'ERR_ORDER_STATE', `order is ${outcome.order.status}`);
    case 'declined':
      await deliver(deps, pendingOf(outcome.order));
      return orderView(outcome.order);
  }
}
