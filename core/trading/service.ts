/**
 * TradingService: the one facade the agent and the platform adapters call. Inputs are validated with
 * zod; results are plain views with exact decimal strings; every failure is an AppError whose
 * `userMessage` is safe to show in chat. `actor` is `{ userId, platform, chatId?, chatKind? }` from
 * `identity.resolveUser`. Nothing here executes a trade: only `confirm` by the owner queues one.
 *
 *   propose(actor, { symbol, side, type?, amount, limitPrice?, trigger?, mode? }) → Proposal
 *       amount: base units (number | decimal string) or { unit: 'base' | 'quote' | 'percent', value }.
 *       Proposal has the numbers for the card (price, notional, estimatedFee, balanceAfter,
 *       portfolioShare, riskNotes, expiresAt) and `handle` (50 chars) for the Confirm/Cancel buttons.
 *   confirm(handle, actor)  → { status: 'confirmed', order, waitingForTrigger } | { status: 'already_confirmed', order }
 *       ERR_BAD_HANDLE (forged/tampered), ERR_NOT_OWNER, ERR_ORDER_EXPIRED, ERR_ORDER_STATE.
 *   decline(handle, actor)  → OrderView (CANCELLED)
 *   cancel(orderRef, actor) → OrderView; orderRef is an order id or a unique prefix (≥ 6 hex digits).
 *   order(orderRef, actor)  → OrderView
 *   listOrders(actor, { open?, limit? }) → OrderView[] (newest first)
 *   portfolio(actor, mode?) → PortfolioView (cash, holdings with avg entry and unrealised PnL, totals)
 *   pnl(actor, period = 'all', mode?) → PnlView (realised incl. fees, unrealised, fees, trades)
 *   setAlert(actor, { symbol, direction: 'above' | 'below', price, note? }) → AlertView
 *   listAlerts(actor) → AlertView[];  cancelAlert(actor, alertId) → AlertView
 *   getMode(actor) → 'paper' | 'live';  setMode(actor, mode) → mode (live: ERR_LIVE_DISABLED unless allowed)
 *   setKillSwitch(actor, on) → void (operators only)
 *   killSwitch(actor, 'on' | 'off' | 'status') → KillSwitchState (operators only; /admin killswitch)
 *   readEvents(after, { count?, blockMs? }) → { id, event }[]: order and alert notifications for adapters
 *       (stream keys.key('events', 'orders'); event union in order-events.ts).
 */
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { audit } from '../identity/audit.ts';
import type { Actor } from '../identity/types.ts';
import { createMarketData } from '../market/create-market-data.ts';
import type { MarketData } from '../market/market-data.ts';
import { hasCredentials } from '../vault/credentials.ts';
import { cancelOrder, findOwnOrder } from './cancel.ts';
import { confirmSecret, readHandle } from './confirm-handle.ts';
import { type ConfirmResult, confirm, decline } from './confirmations.ts';
import { asServiceError, type OrderQueuePort, parseActor, type TradingDeps } from './deps.ts';
import { type FillRecord, userFills } from './fills-history.ts';
import type { KillSwitchState } from './kill-switch.ts';
import {
  type EventPublisher,
  readOrderEvents,
  redisEventPublisher,
  type StoredOrderEvent,
} from './order-events.ts';
import { createOrderQueue, type OrderQueue } from './order-queue.ts';
import { OPEN_STATUSES } from './order-states.ts';
import {
  type PnlPeriod,
  type PnlView,
  type PnlWindow,
  type PortfolioView,
  pnl,
  portfolio,
} from './portfolio.ts';
import { type Proposal, type ProposeInput, propose } from './proposals.ts';
import { canFindByClientId, noClientIdLookup } from './remote-orders.ts';
import { operateKillSwitch, setKillSwitch } from './risk.ts';
import { type AlertInput, type AlertView, cancelAlert, createAlert, listAlerts } from './triggers.ts';
import { type Mode, type OrderView, orderView } from './views.ts';

export interface TradingService {
  propose(actor: Actor, request: ProposeInput): Promise<Proposal>;
  confirm(handle: string, actor: Actor): Promise<ConfirmResult>;
  decline(handle: string, actor: Actor): Promise<OrderView>;
  cancel(orderRef: string, actor: Actor): Promise<OrderView>;
  order(orderRef: string, actor: Actor): Promise<OrderView>;
  listOrders(
    actor: Actor,
    filter?: { readonly open?: boolean; readonly limit?: number },
  ): Promise<OrderView[]>;
  portfolio(actor: Actor, mode?: Mode): Promise<PortfolioView>;
  pnl(actor: Actor, period?: PnlPeriod | PnlWindow, mode?: Mode): Promise<PnlView>;
  /** The actor's fills in their current mode, oldest first (charts of their trades, equity history). */
  fills(actor: Actor, filter: { readonly symbol?: string; readonly limit: number }): Promise<FillRecord[]>;
  setAlert(actor: Actor, input: AlertInput): Promise<AlertView>;
  listAlerts(actor: Actor): Promise<AlertView[]>;
  cancelAlert(actor: Actor, alertId: string): Promise<AlertView>;
  getMode(actor: Actor): Promise<Mode>;
  setMode(actor: Actor, mode: Mode): Promise<Mode>;
  setKillSwitch(actor: Actor, on: boolean): Promise<void>;
  /** Operators only: turns the kill switch on or off (audited), or reads it; every role sees it at once. */
  killSwitch(actor: Actor, action: 'on' | 'off' | 'status'): Promise<KillSwitchState>;
  readEvents(
    after: string,
    options?: { readonly count?: number; readonly blockMs?: number },
  ): Promise<StoredOrderEvent[]>;
}

/**
 * The order a confirmation handle names, unverified: adapters use it to find the card an order event
 * should edit; acting on an order still goes through `confirm`/`decline`. ERR_BAD_HANDLE if malformed.
 */
export function orderIdOfHandle(handle: string): string {
  return readHandle(handle).orderId;
}

export interface TradingServiceOptions {
  readonly market: MarketData;
  readonly queue: OrderQueuePort;
  readonly events?: EventPublisher;
  /** Tests freeze or step time here. */
  readonly now?: () => Date;
}

type ServiceContext = Pick<AppContext, 'config' | 'logger' | 'db' | 'redis' | 'keys'>;

export function tradingDeps(ctx: ServiceContext, options: TradingServiceOptions): TradingDeps {
  let secret: Promise<string> | undefined;
  return {
    db: ctx.db,
    config: ctx.config,
    logger: ctx.logger,
    market: options.market,
    queue: options.queue,
    // Events on the queue's fail-fast connection when there is one: a press never waits for a dead Redis.
    events: options.events ?? redisEventPublisher(producerOf(options.queue) ?? ctx.redis, ctx.keys),
    secret: () => {
      secret ??= confirmSecret(ctx).catch((err: unknown) => {
        secret = undefined;
        throw err;
      });
      return secret;
    },
    now: options.now ?? (() => new Date()),
  };
}

function producerOf(queue: OrderQueuePort) {
  return 'redis' in queue ? (queue as OrderQueue).redis : undefined;
}

async function modeOf(deps: TradingDeps, userId: string): Promise<Mode> {
  const user = await deps.db.user.findUnique({ where: { id: userId }, select: { tradingMode: true } });
  if (!user) throw new AppError('ERR_NOT_FOUND', `no user ${userId}`);
  return user.tradingMode === 'LIVE' ? 'live' : 'paper';
}

/** Every method with database trouble reported as a retryable ERR_UNAVAILABLE. */
function guarded<T extends object>(service: T): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        Promise.resolve()
          .then(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
          .catch((err: unknown) => {
            throw asServiceError(err);
          });
    },
  });
}

export function createTradingService(ctx: ServiceContext, options: TradingServiceOptions): TradingService {
  const deps = tradingDeps(ctx, options);
  const user = (actor: Actor) => parseActor(actor).userId;
  return guarded<TradingService>({
    propose: (actor, request) => propose(deps, actor, request),
    confirm: (handle, actor) => confirm(deps, handle, actor),
    decline: (handle, actor) => decline(deps, handle, actor),
    cancel: (orderRef, actor) => cancelOrder(deps, orderRef, actor),
    async order(orderRef, actor) {
      return orderView(await findOwnOrder(deps, user(actor), orderRef));
    },
    async listOrders(actor, filter = {}) {
      const rows = await deps.db.order.findMany({
        where: { userId: user(actor), ...(filter.open ? { status: { in: [...OPEN_STATUSES] } } : {}) },
        orderBy: { createdAt: 'desc' },
        take: Math.max(1, Math.min(filter.limit ?? 20, 100)),
      });
      return rows.map(orderView);
    },
    async portfolio(actor, mode) {
      const userId = user(actor);
      return portfolio(deps, userId, mode ?? (await modeOf(deps, userId)));
    },
    async fills(actor, filter) {
      const userId = user(actor);
      return userFills(deps.db, userId, await modeOf(deps, userId), filter);
    },
    async pnl(actor, period = 'all', mode) {
      const userId = user(actor);
      return pnl(deps, userId, mode ?? (await modeOf(deps, userId)), period);
    },
    setAlert: (actor, input) => createAlert(deps, actor, input),
    listAlerts: (actor) => listAlerts(deps, user(actor)),
    cancelAlert: (actor, alertId) => cancelAlert(deps, actor, alertId),
    getMode: (actor) => modeOf(deps, user(actor)),
    async setMode(actor, mode) {
      const a = parseActor(actor);
      if (mode === 'live') {
        if (!deps.config.LIVE_TRADING_ENABLED)
          throw new AppError('ERR_LIVE_DISABLED', 'LIVE_TRADING_ENABLED is off');
        if (!canFindByClientId(deps.market.exchangeId)) throw noClientIdLookup(deps.market.exchangeId);
        if (!(await hasCredentials(deps.db, a.userId, deps.market.exchangeId))) {
          throw new AppError('ERR_LIVE_DISABLED', `no ${deps.market.exchangeId} keys`, {
            userMessage: `Link your ${deps.market.exchangeId} API keys (in a DM) before switching to live.`,
          });
        }
      }
      await deps.db.user.update({
        where: { id: a.userId },
        data: { tradingMode: mode === 'live' ? 'LIVE' : 'PAPER', liveOptIn: mode === 'live' },
      });
      await audit(deps.db, { actorUserId: a.userId, platform: a.platform, action: `mode.${mode}` });
      return mode;
    },
    setKillSwitch: (actor, on) => setKillSwitch(deps.db, parseActor(actor), on),
    killSwitch: (actor, action) => operateKillSwitch(deps.db, deps.config, parseActor(actor), action),
    readEvents: (after, opts) => readOrderEvents(ctx.redis, ctx.keys, after, opts),
  });
}

/** The service wired to this process' market data and the BullMQ `orders` queue; `close` releases both. */
export function startTradingService(ctx: ServiceContext): {
  service: TradingService;
  market: MarketData;
  close(): Promise<void>;
} {
  const market = createMarketData(ctx);
  const queue = createOrderQueue(ctx);
  return {
    service: createTradingService(ctx, { market, queue }),
    market,
    async close() {
      await queue.close();
      await market.close();
    },
  };
}
