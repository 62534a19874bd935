/**
 * Whether a button press counts. A confirmation succeeds only with a handle we signed, only for the
 * order's owner, only while the proposal is open and unexpired, and only once: a second press is a
 * no-op. Every refused attempt is written to the audit log (who, which order, why) and executes nothing.
 */
import { AppError, type ErrorCode } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor, ValidActor } from '../identity/types.ts';
import { readHandle, verifyHandle } from './confirm-handle.ts';
import { parseActor, type TradingDeps, userRef } from './deps.ts';
import type { OrderId } from './ids.ts';
import { advance, lockOrder, type OrderRow, SYSTEM, type Tx, transition } from './transitions.ts';
import { TRIGGER_TTL_MS } from './triggers.ts';
import { type OrderView, orderEvent, orderView } from './views.ts';

export type ConfirmResult =
  /** Queued for execution, or (conditional orders) waiting for the trigger price. */
  | { readonly status: 'confirmed'; readonly order: OrderView; readonly waitingForTrigger: boolean }
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
    patch: { confirmedAt: now },
    guard: { userId: actor.userId, unexpiredAt: now, withoutTrigger: true },
  });
}

async function queued(deps: TradingDeps, order: OrderRow): Promise<ConfirmResult> {
  await deps.queue.enqueue(order.id as OrderId, order.mode);
  await deps.events.publish([orderEvent(order, 'order.queued')]);
  return { status: 'confirmed', order: orderView(order), waitingForTrigger: false };
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
      patch: { confirmedAt: now },
    });
    return { kind: 'confirmed' as const, order, queued: true };
  });
  switch (outcome.kind) {
    case 'reject':
      return refuse(deps, actor, action, orderId, outcome.code, outcome.reason);
    case 'expired':
      await deps.events.publish([orderEvent(outcome.order, 'order.expired')]);
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
      return { status: 'confirmed', order: orderView(outcome.order), waitingForTrigger: true };
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
      }),
    };
  });
  switch (outcome.kind) {
    case 'reject':
      return refuse(deps, actor, action, orderId, outcome.code, outcome.reason);
    case 'expired':
      await deps.events.publish([orderEvent(outcome.order, 'order.expired')]);
      return orderView(outcome.order);
    case 'not_open':
      return refuse(deps, actor, action, orderId, 'ERR_ORDER_STATE', `order is ${outcome.order.status}`);
    case 'declined':
      await deps.events.publish([orderEvent(outcome.order, 'order.cancelled')]);
      return orderView(outcome.order);
  }
}
