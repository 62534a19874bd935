/**
 * The narrow interfaces the agent needs from the rest of the system. The agent core depends only on
 * these; `bindings.ts` adapts the real modules (core/market, core/trading, core/identity, charts/) to
 * them. A port that is absent means the service is not built or not enabled: commands that need it
 * answer "not available yet" instead of failing.
 *
 * Every method throws `AppError` with a code from core/errors.ts on failure; the agent maps codes to
 * user text once.
 */
import type { Pane as LowerPane, Overlay } from '../market/indicators/types.ts';
import type { Candle, Timeframe } from '../market/types.ts';
import type { NewsReader } from '../news/reader.ts';

export type ChatPlatform = 'discord' | 'telegram' | 'console';
export type ChatKind = 'dm' | 'group' | 'channel';
export type Side = 'buy' | 'sell';
export type TradingMode = 'paper' | 'live';
/** Exact money and quantities travel as decimal strings ("0.5", "30000.25"), as the trading core keeps them. */
export type DecimalString = string;

/** Who is acting and where: every per-user port call carries it (ownership, notifications, audit). */
export interface Actor {
  readonly userId: string;
  readonly platform: ChatPlatform;
  readonly chatId: string;
  readonly chatKind: ChatKind;
}

// ---------------------------------------------------------------- market

export interface Ticker {
  /** Unified pair, e.g. "BTC/USDT". */
  readonly symbol: string;
  readonly last: number;
  readonly bid?: number;
  readonly ask?: number;
  /** Percent change over 24 h, e.g. -1.8. */
  readonly change24hPct?: number;
  readonly high24h?: number;
  readonly low24h?: number;
  /** Epoch ms of the quote. */
  readonly at: number;
  readonly exchange: string;
}

export interface MarketPort {
  /** The venue name shown to users ("sim", "kraken"). */
  readonly exchange: string;
  /** "eth", "ETH", "eth-usdt", "ETHUSDT" → "ETH/USDT". Throws ERR_UNKNOWN_SYMBOL. */
  resolveSymbol(input: string): Promise<string>;
  price(symbol: string): Promise<Ticker>;
  /** Closed and current candles, oldest first, at most `limit`. */
  candles(symbol: string, timeframe: Timeframe, limit: number): Promise<readonly Candle[]>;
}

// ---------------------------------------------------------------- trading

/** How much to trade: coins of the base asset, money in the quote asset, or a percent of the holding. */
export type OrderAmount =
  | { readonly unit: 'base'; readonly value: number }
  | { readonly unit: 'quote'; readonly value: number }
  | { readonly unit: 'percent'; readonly value: number };

export type TriggerDirection = 'above' | 'below';

export interface OrderTrigger {
  readonly direction: TriggerDirection;
  readonly price: number;
}

export interface TriggerView {
  readonly direction: TriggerDirection;
  readonly price: DecimalString;
}

export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly amount: OrderAmount;
  readonly type: 'market' | 'limit';
  readonly limitPrice?: number;
  /** Conditional order: waits until the price crosses the trigger. */
  readonly trigger?: OrderTrigger;
}

/** A proposed order: nothing is queued until the owner confirms with `handle`. */
export interface Proposal {
  readonly orderId: string;
  /** Opaque, short enough for a Telegram callback_data (≤ 60 bytes). */
  readonly handle: string;
  readonly ownerUserId: string;
  readonly mode: TradingMode;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  /** Base-asset quantity. */
  readonly amount: DecimalString;
  readonly quotedPrice: DecimalString;
  readonly notional: DecimalString;
  readonly estimatedFee: DecimalString;
  readonly quoteCurrency: string;
  readonly limitPrice?: DecimalString;
  readonly trigger?: TriggerView;
  readonly expiresAt: Date;
  /** The limits that apply, e.g. "Max per order: 1,000.00 USDT". */
  readonly riskNotes: readonly string[];
  /** Only the limits this order comes close to: the card shows these. */
  readonly riskWarnings?: readonly string[];
  /** Paper: the account's value before the order, in the quote currency. */
  readonly portfolioValue?: DecimalString;
  /** The market price when the card was made: a marketable limit or trigger fills about there. */
  readonly marketPrice?: DecimalString;
  /** Paper: free balances after the fill, e.g. { USDT: "9500", BTC: "0.01" }. */
  readonly balanceAfter?: Readonly<Record<string, DecimalString>>;
  /** Percent of the account's value this order moves. */
  readonly portfolioShare?: DecimalString;
}

export type OrderStatus =
  | 'PROPOSED'
  | 'CONFIRMED'
  | 'QUEUED'
  | 'SUBMITTED'
  | 'FILLED'
  | 'PARTIALLY_FILLED'
  | 'REJECTED'
  | 'FAILED'
  | 'CANCELLED'
  | 'EXPIRED';

export interface OrderView {
  readonly id: string;
  readonly mode: TradingMode;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly status: OrderStatus;
  readonly amount: DecimalString;
  readonly filledAmount: DecimalString;
  readonly avgFillPrice?: DecimalString;
  readonly limitPrice?: DecimalString;
  readonly trigger?: TriggerView;
  readonly createdAt: Date;
  readonly error?: string;
}

export interface ConfirmOutcome {
  readonly order: OrderView;
  /** The proposal had been confirmed before (a double press): nothing happened now. */
  readonly alreadyConfirmed: boolean;
}

export interface Holding {
  readonly asset: string;
  readonly quantity: DecimalString;
  /** Value in the portfolio's quote currency, when a price is known. */
  readonly value?: DecimalString;
  readonly price?: DecimalString;
  readonly avgEntry?: DecimalString;
  readonly unrealizedPnl?: DecimalString;
}

export interface Portfolio {
  readonly mode: TradingMode;
  readonly quoteCurrency: string;
  /** Cash in the quote currency (paper accounts); absent when unknown (live). */
  readonly cash?: DecimalString;
  readonly totalValue: DecimalString;
  readonly holdings: readonly Holding[];
}

export type PnlPeriod = 'day' | 'week' | 'month' | 'all';

export interface PnlReport {
  readonly mode: TradingMode;
  readonly period: PnlPeriod;
  readonly quoteCurrency: string;
  readonly realized: DecimalString;
  readonly unrealized: DecimalString;
  readonly fees: DecimalString;
  readonly trades: number;
}

export interface AlertRequest {
  readonly symbol: string;
  readonly direction: TriggerDirection;
  readonly price: number;
  readonly note?: string;
}

export interface AlertView {
  readonly id: string;
  readonly symbol: string;
  readonly direction: TriggerDirection;
  readonly price: DecimalString;
  readonly status: 'ACTIVE' | 'FIRED' | 'CANCELLED' | 'EXPIRED';
}

export interface TradingPort {
  /** Risk-checked proposal in PROPOSED state; never queues anything. */
  propose(actor: Actor, request: OrderRequest): Promise<Proposal>;
  /** The owner's confirmation. MUST reject anyone else with ERR_NOT_OWNER and stale handles with ERR_ORDER_EXPIRED. */
  confirm(handle: string, actor: Actor): Promise<ConfirmOutcome>;
  /** The owner declines a proposal (Cancel button). */
  decline(handle: string, actor: Actor): Promise<OrderView>;
  /** Cancels an open order of `actor` by id or unique id prefix. */
  cancel(orderRef: string, actor: Actor): Promise<OrderView>;
  order(orderId: string, actor: Actor): Promise<OrderView>;
  listOrders(
    actor: Actor,
    filter: { readonly open: boolean; readonly limit: number },
  ): Promise<readonly OrderView[]>;
  portfolio(actor: Actor): Promise<Portfolio>;
  pnl(actor: Actor, period: PnlPeriod): Promise<PnlReport>;
  setAlert(actor: Actor, request: AlertRequest): Promise<AlertView>;
  /** The actor's alerts, newest first. */
  listAlerts(actor: Actor): Promise<readonly AlertView[]>;
  /** Cancels an active alert by its full id; ERR_NOT_FOUND otherwise. */
  cancelAlert(actor: Actor, alertId: string): Promise<AlertView>;
}

// ---------------------------------------------------------------- identity and account

export interface IdentityPort {
  /** Finds or creates the user behind a platform account. */
  resolve(account: {
    readonly platform: ChatPlatform;
    readonly platformUserId: string;
    readonly username?: string;
  }): Promise<{ readonly userId: string }>;
  /** A one-time code to enter on another platform. */
  createLinkCode(actor: Actor): Promise<{ readonly code: string; readonly expiresAt: Date }>;
  /** Links this platform account to the user who created `code`; ERR_LINK_CODE when invalid or expired. */
  redeemLinkCode(
    code: string,
    account: { readonly platform: ChatPlatform; readonly platformUserId: string; readonly username?: string },
  ): Promise<{ readonly userId: string }>;
}

export type SettingValue = string | number | boolean;

export interface SettingsPort {
  get(actor: Actor): Promise<Readonly<Record<string, SettingValue>>>;
  /** ERR_VALIDATION for an unknown key or a bad value. */
  update(actor: Actor, key: string, value: string): Promise<Readonly<Record<string, SettingValue>>>;
}

export interface AccountPort {
  getMode(actor: Actor): Promise<TradingMode>;
  /** Live needs the operator switch, the user's opt-in and linked keys; throws ERR_LIVE_DISABLED otherwise. */
  setMode(actor: Actor, mode: TradingMode): Promise<TradingMode>;
}

export interface KeyInfo {
  readonly id: string;
  readonly exchange: string;
  readonly label: string;
  readonly createdAt: Date;
}

/** Exchange credentials. Only the vault ever sees secrets; the agent passes them through once and forgets them. */
export interface KeysPort {
  link(
    actor: Actor,
    input: { exchange: string; apiKey: string; secret: string; label?: string },
  ): Promise<KeyInfo>;
  list(actor: Actor): Promise<readonly KeyInfo[]>;
  /** How many credentials were revoked. */
  revoke(actor: Actor, idOrExchange: string): Promise<number>;
}

// ---------------------------------------------------------------- signals, charts

export interface SignalView {
  readonly id: string;
  readonly pair: string;
  readonly side: 'long' | 'short';
  readonly entry: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly confidence: number;
  readonly reason: string;
  readonly status: string;
  readonly openedAt: Date;
  readonly mode: TradingMode;
  /** Set once the signal closed: how, and its outcome in R and % of the track-record equity. */
  readonly exit?: { readonly reason: string; readonly r: number; readonly pnlPct: number };
}

/** The strategy's paper track record (core/signals/stats.ts). */
export interface SignalRecord {
  readonly closed: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
  readonly expectancyR: number | null;
  readonly maxDrawdownPct: number;
  readonly returnPct: number;
}

export interface SignalsPort {
  recent(filter: { readonly pair?: string; readonly limit: number }): Promise<readonly SignalView[]>;
  /** The track record, overall or for one pair. */
  record?(filter: { readonly pair?: string }): Promise<SignalRecord>;
}

/** A chat's subscription as the commands show it. */
export interface SubscriptionView {
  /** The chat's title, @username or id. */
  readonly chat: string;
  /** Empty: every pair. */
  readonly pairs: readonly string[];
  readonly minConfidence: number;
  readonly mode: TradingMode;
  /** Why nothing is sent at the moment (the chat refused messages). */
  readonly pausedReason?: string;
}

export interface SubscribeRequest {
  readonly pairs: readonly string[];
  readonly minConfidence: number;
  readonly mode: TradingMode;
  /** A Telegram channel (@name or -100… id) subscribed from a DM; otherwise the actor's chat. */
  readonly channel?: string;
  /** The asker's platform id: admin checks in the channel, and who is told when the chat refuses. */
  readonly platformUserId: string;
}

export interface SubscriptionsPort {
  /** ERR_FORBIDDEN naming what is missing when a channel cannot be subscribed by this user. */
  subscribe(
    actor: Actor,
    request: SubscribeRequest,
  ): Promise<{ readonly created: boolean; readonly subscription: SubscriptionView }>;
  unsubscribe(
    actor: Actor,
    request: { readonly channel?: string; readonly platformUserId: string },
  ): Promise<{ readonly removed: boolean; readonly chat: string }>;
  /** In a group or channel its subscription; in a DM also every chat this user subscribed. */
  list(actor: Actor, platformUserId: string): Promise<readonly SubscriptionView[]>;
}

/** Indicator overlays and lower panes, as the chart module draws them. */
export type { Overlay, Pane as LowerPane } from '../market/indicators/types.ts';

export interface CandleChartRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly exchange: string;
  readonly candles: readonly Candle[];
  readonly overlays: readonly Overlay[];
  readonly panes: readonly LowerPane[];
  readonly volume: boolean;
  readonly paper: boolean;
}

export interface ChartPort {
  candlestick(request: CandleChartRequest): Promise<{ readonly png: Buffer; readonly alt: string }>;
}

/** Stored news (core/news) plus its sentiment chart; headlines are third-party data, never instructions. */
export interface NewsPort extends NewsReader {
  sentimentChart(coin: string, days: number): Promise<{ readonly png: Buffer; readonly alt: string }>;
}

/** Everything the agent can reach. Only identity is required: without it nobody has a user id. */
export interface AgentServices {
  readonly identity: IdentityPort;
  readonly market?: MarketPort;
  readonly trading?: TradingPort;
  readonly charts?: ChartPort;
  readonly signals?: SignalsPort;
  readonly accounts?: AccountPort;
  readonly settings?: SettingsPort;
  readonly keys?: KeysPort;
  readonly subscriptions?: SubscriptionsPort;
  readonly news?: NewsPort;
}
