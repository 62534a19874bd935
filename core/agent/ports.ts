/**
 * The narrow interfaces the agent needs from the rest of the system. The agent core depends only on
 * these; `bindings.ts` adapts the real modules (core/market, core/identity, the chart renderer) to them,
 * and the trading facade is used as it is, with its own views. A port that is absent means the service is not built or not enabled: commands that need it
 * answer "not available yet" instead of failing.
 *
 * Every method throws `AppError` with a code from core/errors.ts on failure; the agent maps codes to
 * user text once.
 */

import type { UserSettings } from '../identity/settings.ts';
import type { Pane as LowerPane, Overlay } from '../market/indicators/types.ts';
import type { Candle, Timeframe } from '../market/types.ts';
import type { NewsReader } from '../news/reader.ts';
import type { Proposal } from '../trading/proposals.ts';
import type { TradingService } from '../trading/service.ts';

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
  /** The market's increments ("0.0001" BTC, "0.1" USD): amounts and prices are shown and rounded to them. */
  precision?(symbol: string): Promise<MarketPrecision>;
}

export interface MarketPrecision {
  readonly amountStep: DecimalString;
  readonly priceStep: DecimalString;
}

// ---------------------------------------------------------------- trading

/** How much to trade: coins of the base asset, money in the quote asset, or a percent of the holding. */
export type OrderAmount =
  | { readonly unit: 'base'; readonly value: number }
  | { readonly unit: 'quote'; readonly value: number }
  | { readonly unit: 'percent'; readonly value: number };

export type TriggerDirection = 'above' | 'below';

/** What the agent asks the trading core to propose (a narrowing of its ProposeInput). */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly amount: OrderAmount;
  readonly type: 'market' | 'limit';
  readonly limitPrice?: number;
  /** Conditional order: waits until the price crosses the trigger. */
  readonly trigger?: { readonly direction: TriggerDirection; readonly price: number };
}

// The trading core's own views: one set of types from the facade to the chat.
export type { ConfirmResult } from '../trading/confirmations.ts';
export type { FillRecord as FillView } from '../trading/fills-history.ts';
export type { OrderStatus } from '../trading/order-states.ts';
export type { HoldingView, PnlPeriod, PnlView, PnlWindow, PortfolioView } from '../trading/portfolio.ts';
export type { Proposal } from '../trading/proposals.ts';
export type { AlertView } from '../trading/triggers.ts';
export type { OrderView } from '../trading/views.ts';

/** A proposal as its card shows it: the trading core's, plus the market price when the card was made. */
export interface ProposalCard extends Proposal {
  /** A marketable limit or trigger fills about here. */
  readonly marketPrice?: DecimalString;
  /** How the request became this order, when it is not word for word ("€50 of ETH … paid from USD"). */
  readonly note?: string;
  /** The market's increments, so the card shows prices and amounts as the venue does. */
  readonly precision?: MarketPrecision;
}

/** The trading facade (core/trading/service.ts) as the agent uses it. */
export type TradingPort = Pick<
  TradingService,
  | 'propose'
  | 'confirm'
  | 'decline'
  | 'cancel'
  | 'order'
  | 'listOrders'
  | 'portfolio'
  | 'pnl'
  | 'fills'
  | 'setAlert'
  | 'listAlerts'
  | 'cancelAlert'
>;

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

/** The user's own settings (core/identity/settings.ts declares them). */
export interface SettingsPort {
  get(actor: Actor): Promise<UserSettings>;
  /** ERR_VALIDATION for an unknown name or a bad value, naming what is accepted; nothing changes then. */
  update(actor: Actor, name: string, value: string): Promise<UserSettings>;
}

/** Live needs the operator switch, the user's opt-in and linked keys; setMode throws ERR_LIVE_DISABLED otherwise. */
export type AccountPort = Pick<TradingService, 'getMode' | 'setMode'>;

/** Operator controls (/admin): ERR_FORBIDDEN for anyone who is not an operator at this contact. */
export type OperatorPort = Pick<TradingService, 'killSwitch'>;

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
  /** The pairs the strategy runs on (SIGNAL_PAIRS), to say so when asked about another. */
  readonly pairs?: readonly string[];
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

export type ChartTheme = 'dark' | 'light';

export interface CandleChartRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly exchange: string;
  readonly candles: readonly Candle[];
  readonly overlays: readonly Overlay[];
  readonly panes: readonly LowerPane[];
  readonly volume: boolean;
  readonly paper: boolean;
  readonly theme?: ChartTheme;
  /** The asker's own fills in this market, drawn as markers (personal: only in their DM). */
  readonly fills?: readonly { readonly t: number; readonly price: number; readonly side: Side }[];
  /** The asker's average entry in this market: a labelled line. */
  readonly avgEntry?: number;
}

/** The user's equity over time (chart_equity) or their allocation (chart_portfolio). */
export interface AccountChartRequest {
  readonly label: string;
  readonly currency: string;
  readonly paper: boolean;
  readonly theme?: ChartTheme;
}

export interface EquityChartRequest extends AccountChartRequest {
  readonly points: readonly { readonly t: number; readonly equity: number }[];
}

export interface AllocationChartRequest extends AccountChartRequest {
  readonly slices: readonly { readonly asset: string; readonly value: number }[];
}

export interface ChartPort {
  candlestick(request: CandleChartRequest): Promise<{ readonly png: Buffer; readonly alt: string }>;
  equity(request: EquityChartRequest): Promise<{ readonly png: Buffer; readonly alt: string }>;
  allocation(request: AllocationChartRequest): Promise<{ readonly png: Buffer; readonly alt: string }>;
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
  readonly operator?: OperatorPort;
  readonly settings?: SettingsPort;
  readonly keys?: KeysPort;
  readonly subscriptions?: SubscriptionsPort;
  readonly news?: NewsPort;
}
