/**
 * Price triggers: alerts and the triggers of conditional orders. Each fires at most once: firing is an
 * update guarded by `status = 'ACTIVE'`, and a conditional order moves CONFIRMED → QUEUED in the same
 * transaction, so two watchers seeing the same price cannot queue an order twice.
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import { type Actor, fromDbPlatform, toDbPlatform } from '../identity/types.ts';
import { type Decimal, dbString, dec } from '../market/decimal.ts';
import { checkPrice, numberInput, parseRequest } from './amounts.ts';
import { queuePatch } from './confirmations.ts';
import { parseActor, type TradingDeps, TX_OPTIONS } from './deps.ts';
import type { OrderEventMessage } from './order-events.ts';
import { deliver } from './outbox.ts';
import { advance, lockOrder, type OrderRow, pendingOf, SYSTEM } from './transitions.ts';

/** Alerts and waiting conditional orders lapse after 30 days. */
export const TRIGGER_TTL_MS = 30 * 86_400_000;
const MAX_ACTIVE_ALERTS = 50;
export const TRIGGER_LAPSED_MESSAGE =
  'The price did not reach your trigger level in time, so the order was not placed. Nothing was bought or sold.';

export const alertSchema = z.object({
  symbol: z.string().trim().min(1).max(40),
  direction: z.enum(['above', 'below']),
  price: numberInput,
  note: z.string().trim().max(200).optional(),
});
export type AlertInput = z.input<typeof alertSchema>;

export interface AlertView {
  readonly id: string;
  readonly symbol: string;
  readonly direction: 'above' | 'below';
  readonly price: string;
  readonly status: 'ACTIVE' | 'FIRED' | 'CANCELLED' | 'EXPIRED';
  readonly note?: string;
  readonly createdAt: Date;
  readonly firedAt?: Date;
}

type TriggerRow = Awaited<ReturnType<TradingDeps['db']['trigger']['findUniqueOrThrow']>>;

const alertView = (t: TriggerRow): AlertView => ({
  id: t.id,
  symbol: t.symbol,
  direction: t.direction === 'ABOVE' ? 'above' : 'below',
  price: dec(t.price).toFixed(),
  status: t.status,
  note: t.note ?? undefined,
  createdAt: t.createdAt,
  firedAt: t.firedAt ?? undefined,
});

function invalidAlert(err: z.ZodError): AppError {
  const field = err.issues[0]?.path.join('.');
  return new AppError(
    field === 'price' ? 'ERR_INVALID_AMOUNT' : 'ERR_VALIDATION',
    `invalid alert ${field}: ${err.issues[0]?.message}`,
    { userMessage: `That alert is not valid (${field}).` },
  );
}

export async function createAlert(
  deps: TradingDeps,
  actorInput: Actor,
  request: AlertInput,
): Promise<AlertView> {
  const { actor, input } = parseRequest(actorInput, alertSchema, request, invalidAlert);
  const market = await deps.market.resolveMarket(input.symbol);
  const price = checkPrice(market, input.price, 'alert price');
  const active = await deps.db.trigger.count({
    where: { userId: actor.userId, kind: 'ALERT', status: 'ACTIVE' },
  });
  if (active >= MAX_ACTIVE_ALERTS) {
    throw new AppError('ERR_VALIDATION', 'too many alerts', {
      userMessage: `You already have ${MAX_ACTIVE_ALERTS} alerts; remove some first.`,
    });
  }
  const now = deps.now();
  const row = await deps.db.trigger.create({
    data: {
      userId: actor.userId,
      kind: 'ALERT',
      exchange: deps.market.exchangeId,
      symbol: market.symbol,
      direction: input.direction === 'above' ? 'ABOVE' : 'BELOW',
      price: dbString(price),
      note: input.note ?? null,
      platform: toDbPlatform(actor.platform),
      chatId: actor.chatId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + TRIGGER_TTL_MS),
    },
  });
  await audit(deps.db, {
    actorUserId: actor.userId,
    platform: actor.platform,
    action: 'alert.create',
    subjectType: 'Trigger',
    subjectId: row.id,
  });
  return alertView(row);
}

export async function listAlerts(deps: TradingDeps, userId: string): Promise<AlertView[]> {
  const rows = await deps.db.trigger.findMany({
    where: { userId, kind: 'ALERT' },
    orderBy: { createdAt: 'desc' },
    take: 100,
  });
  return rows.map(alertView);
}

export async function cancelAlert(deps: TradingDeps, actorInput: Actor, alertId: string): Promise<AlertView> {
  const actor = parseActor(actorInput);
  const notFound = () =>
    new AppError('ERR_NOT_FOUND', `no active alert ${alertId.slice(0, 40)}`, {
      userMessage: 'I cannot find that alert.',
    });
  if (!z.uuid().safeParse(alertId).success) throw notFound();
  const { count } = await deps.db.trigger.updateMany({
    where: { id: alertId, userId: actor.userId, kind: 'ALERT', status: 'ACTIVE' },
    data: { status: 'CANCELLED' },
  });
  if (count === 0) throw notFound();
  return alertView(await deps.db.trigger.findUniqueOrThrow({ where: { id: alertId } }));
}

export function crossed(direction: 'ABOVE' | 'BELOW', level: Decimal, price: Decimal): boolean {
  return direction === 'ABOVE' ? price.gte(level) : price.lte(level);
}

/** Fires one trigger if it is still active; returns whether this call fired it. */
export async function fireTrigger(deps: TradingDeps, triggerId: string, price: Decimal): Promise<boolean> {
  const now = deps.now();
  const outcome = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.trigger.updateMany({
      where: { id: triggerId, status: 'ACTIVE' },
      data: { status: 'FIRED', firedAt: now },
    });
    if (count === 0) return undefined;
    const trigger = await tx.trigger.findUniqueOrThrow({ where: { id: triggerId } });
    let order: OrderRow | undefined;
    if (trigger.orderId) {
      const locked = await lockOrder(tx, trigger.orderId);
      if (locked?.status === 'CONFIRMED') {
        // A conditional market order's execution deadline counts from the moment it fires.
        order = await advance(tx, locked, ['QUEUED'], SYSTEM.watcher, {
          detail: { trigger: dec(trigger.price).toFixed(), price: price.toFixed() },
          patch: queuePatch(deps, now, locked.type, false),
          notify: [
            { type: 'order.triggered', extra: { price: price.toFixed() } },
            { type: 'order.queued', job: true },
          ],
        });
      }
    }
    await audit(tx, {
      actorUserId: trigger.userId,
      platform: fromDbPlatform(trigger.platform),
      action: trigger.kind === 'ALERT' ? 'alert.fire' : 'trigger.fire',
      subjectType: 'Trigger',
      subjectId: trigger.id,
      detail: { price: price.toFixed(), orderId: trigger.orderId },
    });
    return { trigger, order };
  }, TX_OPTIONS);
  if (!outcome) return false;
  const { trigger, order } = outcome;
  const events: OrderEventMessage[] = [];
  if (order) {
    await deliver(deps, pendingOf(order));
  } else if (trigger.kind === 'ALERT') {
    events.push({
      type: 'alert.triggered',
      triggerId: trigger.id,
      userId: trigger.userId,
      platform: fromDbPlatform(trigger.platform),
      chatId: trigger.chatId,
      symbol: trigger.symbol,
      direction: trigger.direction === 'ABOVE' ? 'above' : 'below',
      level: dec(trigger.price).toFixed(),
      price: price.toFixed(),
      note: trigger.note,
      at: now.toISOString(),
    });
  }
  // An alert is a notification only (no money moves): a Redis outage costs its bell, not an order.
  await deps.events
    .publish(events)
    .catch((err: unknown) => deps.logger.warn({ err, triggerId }, 'alert notification not published'));
  return true;
}

/** Checks every active trigger on the given symbols against their prices; returns how many fired. */
export async function evaluateTriggers(
  deps: TradingDeps,
  prices: ReadonlyMap<string, Decimal>,
): Promise<number> {
  if (prices.size === 0) return 0;
  const active = await deps.db.trigger.findMany({
    where: { status: 'ACTIVE', exchange: deps.market.exchangeId, symbol: { in: [...prices.keys()] } },
    select: { id: true, symbol: true, direction: true, price: true },
  });
  let fired = 0;
  for (const t of active) {
    const price = prices.get(t.symbol)!;
    if (crossed(t.direction, dec(t.price), price) && (await fireTrigger(deps, t.id, price))) fired++;
  }
  return fired;
}

/** Expires unconfirmed proposals and lapsed triggers (with their waiting conditional orders). */
export async function expireStale(deps: TradingDeps): Promise<number> {
  const now = deps.now();
  const stale = await deps.db.order.findMany({
    where: { status: 'PROPOSED', expiresAt: { lte: now } },
    select: { id: true },
    take: 500,
  });
  const lapsed = await deps.db.trigger.findMany({
    where: { status: 'ACTIVE', expiresAt: { lte: now } },
    select: { id: true, orderId: true },
    take: 500,
  });
  const expired: OrderRow[] = [];
  for (const { id } of stale) {
    const order = await deps.db.$transaction(async (tx) => {
      const locked = await lockOrder(tx, id);
      if (locked?.status !== 'PROPOSED') return undefined;
      return advance(tx, locked, ['EXPIRED'], SYSTEM.expirer, {
        detail: { reason: 'not confirmed in time' },
        notify: [{ type: 'order.expired' }],
      });
    }, TX_OPTIONS);
    if (order) expired.push(order);
  }
  for (const t of lapsed) {
    const order = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.trigger.updateMany({
        where: { id: t.id, status: 'ACTIVE' },
        data: { status: 'EXPIRED' },
      });
      if (count === 0 || !t.orderId) return undefined;
      const locked = await lockOrder(tx, t.orderId);
      if (locked?.status !== 'CONFIRMED') return undefined;
      return advance(tx, locked, ['EXPIRED'], SYSTEM.expirer, {
        detail: { reason: 'trigger price not reached in time' },
        patch: { error: TRIGGER_LAPSED_MESSAGE },
        notify: [{ type: 'order.expired', extra: { message: TRIGGER_LAPSED_MESSAGE } }],
      });
    }, TX_OPTIONS);
    if (order) expired.push(order);
  }
  await deliver(deps, pendingOf(...expired));
  return expired.length;
}
