/**
 * The agent's ports bound to the real modules: market data (core/market), the trading service
 * (core/trading), identity and key vault (core/identity, core/vault). Chat subscriptions are
 * core/broadcast's (subscriptions-port.ts), signals core/signals' (agent-port.ts); settings answer "not
 * available yet". Nothing here builds a service: the composition root (cli/services.ts) builds each one
 * once per process and hands them in, drawing included (charts/ sits outside core).
 */
import { LRUCache } from 'lru-cache';
import { type ChannelAccess, subscriptionsPort } from '../broadcast/subscriptions-port.ts';
import type { Db } from '../db/client.ts';
import type { IdentityService } from '../identity/service.ts';
import { createUserSettings, type UserSettingsStore } from '../identity/settings.ts';
import { displayNumber } from '../market/decimal.ts';
import type { Overlay, Pane } from '../market/indicators/types.ts';
import type { MarketData, Ticker as MarketTicker } from '../market/market-data.ts';
import type { Timeframe } from '../market/types.ts';
import { createNewsReader } from '../news/reader.ts';
import { signalsPort } from '../signals/agent-port.ts';
import type { TradingService } from '../trading/service.ts';
import type { KeysService } from '../vault/service.ts';
import type {
  AccountChartRequest,
  AgentServices,
  AllocationChartRequest,
  ChartPort,
  ChartTheme,
  EquityChartRequest,
  IdentityPort,
  KeysPort,
  MarketPort,
  NewsPort,
  SettingsPort,
  SignalsPort,
} from './ports.ts';

/** A drawn picture and its alt text. */
export interface Picture {
  readonly png: Buffer;
  readonly alt: string;
}

type Themed = { readonly theme?: ChartTheme };

/** What the chart port needs of a renderer (charts/render.ts in production). */
export interface CandlestickRenderer {
  render(
    request:
      | (Themed & {
          readonly kind: 'candlestick';
          readonly title: { readonly pair: string; readonly timeframe: Timeframe; readonly exchange: string };
          readonly candles: CandleChartInput['candles'];
          readonly overlays: readonly Overlay[];
          readonly panes: readonly Pane[];
          readonly volume: boolean;
          readonly paper: boolean;
          readonly fills?: CandleChartInput['fills'];
          readonly avgEntry?: number;
        })
      | (Themed & { readonly kind: 'equity' } & Omit<EquityChartRequest, 'theme'>)
      | (Themed & { readonly kind: 'allocation' } & Omit<AllocationChartRequest, 'theme'>),
  ): Promise<Picture>;
}
type CandleChartInput = Parameters<ChartPort['candlestick']>[0];

/** Per-day news sentiment of a coin, `from`..`to` (00:00 UTC, epoch ms); charts/sentiment.ts in production. */
export type SentimentRenderer = (
  coin: string,
  window: { readonly from: number; readonly to: number },
  days: readonly { readonly day: number; readonly score: number; readonly items: number }[],
) => Promise<Picture>;

export function marketPort(market: MarketData): MarketPort {
  // The presenters' edge: the market's exact prices become numbers here, for showing only.
  const ticker = (t: MarketTicker) => ({
    symbol: t.symbol,
    last: displayNumber(t.last),
    ...(t.bid === undefined ? {} : { bid: displayNumber(t.bid) }),
    ...(t.ask === undefined ? {} : { ask: displayNumber(t.ask) }),
    ...(t.high24h === undefined ? {} : { high24h: t.high24h }),
    ...(t.low24h === undefined ? {} : { low24h: t.low24h }),
    ...(t.open24h ? { change24hPct: ((displayNumber(t.last) - t.open24h) / t.open24h) * 100 } : {}),
    at: t.at,
    exchange: market.exchangeId,
  });
  return {
    exchange: market.exchangeId,
    resolveSymbol: async (input) => (await market.resolveMarket(input)).symbol,
    price: async (symbol) => ticker(await market.ticker(symbol)),
    candles: (symbol, timeframe, limit) => market.candles(symbol, timeframe, { limit }),
    async precision(symbol) {
      const m = await market.resolveMarket(symbol);
      return { amountStep: m.amountStep, priceStep: m.priceStep };
    },
  };
}

type Account = Parameters<IdentityPort['resolve']>[0];

/**
 * How long a resolved platform account is reused without asking Postgres. Every message resolves its
 * sender, and the answer only changes when the account is linked to another user: a link redeemed here
 * clears the cache at once; one redeemed in another process is seen within this time.
 */
export const RESOLVED_TTL_MS = 30_000;

export function identityPort(identity: IdentityService): IdentityPort {
  const resolved = new LRUCache<string, { readonly userId: string }, Account>({
    max: 10_000,
    ttl: RESOLVED_TTL_MS,
    // A username change misses the cache (it is part of the key), so resolveUser records it.
    fetchMethod: async (_key, _stale, { context: a }) => ({
      userId: (await identity.resolveUser(a.platform, a.platformUserId, a.username)).userId,
    }),
  });
  return {
    async resolve(account) {
      const key = `${account.platform}:${account.platformUserId}:${account.username ?? ''}`;
      return (await resolved.fetch(key, { context: account }))!;
    },
    createLinkCode: (actor) => identity.createLinkCode(actor),
    async redeemLinkCode(code, account) {
      const linked = await identity.redeemLinkCode(code, account);
      resolved.clear();
      return linked;
    },
  };
}

export function keysPort(keys: KeysService): KeysPort {
  return {
    link: (actor, input) => keys.link(actor, input),
    list: (actor) => keys.list(actor),
    revoke: (actor, idOrExchange) => keys.revoke(actor, idOrExchange),
  };
}

export function chartPort(charts: CandlestickRenderer): ChartPort {
  return {
    async candlestick(r) {
      const { png, alt } = await charts.render({
        kind: 'candlestick',
        title: { pair: r.symbol, timeframe: r.timeframe, exchange: r.exchange },
        candles: r.candles,
        overlays: r.overlays,
        panes: r.panes,
        volume: r.volume,
        paper: r.paper,
        ...(r.theme ? { theme: r.theme } : {}),
        ...(r.fills?.length ? { fills: r.fills } : {}),
        ...(r.avgEntry === undefined ? {} : { avgEntry: r.avgEntry }),
      });
      return { png, alt };
    },
    async equity(r) {
      const { png, alt } = await charts.render({ kind: 'equity', ...accountChart(r), points: r.points });
      return { png, alt };
    },
    async allocation(r) {
      const { png, alt } = await charts.render({ kind: 'allocation', ...accountChart(r), slices: r.slices });
      return { png, alt };
    },
  };
}

const accountChart = (r: AccountChartRequest) => ({
  label: r.label,
  currency: r.currency,
  paper: r.paper,
  ...(r.theme ? { theme: r.theme } : {}),
});

/** Stored news and its per-day sentiment chart. */
export function newsPort(db: Db, sentiment: SentimentRenderer, now: () => Date = () => new Date()): NewsPort {
  const reader = createNewsReader(db, now);
  return {
    ...reader,
    async sentimentChart(coin, days) {
      const points = (await reader.days(coin, days)).map((d) => ({ ...d, day: d.day.getTime() }));
      const today = now();
      const to = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
      return sentiment(coin, { from: to - (days - 1) * 86_400_000, to }, points);
    },
  };
}

/** The services one process built once (cli/services.ts), which the agent's ports wrap. */
export interface AgentDeps {
  readonly db: Db;
  readonly market: MarketData;
  readonly trading: TradingService;
  readonly identity: IdentityService;
  readonly keys: KeysService;
  readonly charts: CandlestickRenderer;
  readonly sentiment: SentimentRenderer;
  /** How a Telegram channel named from a DM is checked (the Telegram adapter's Bot API lookups). */
  readonly channelAccess?: { readonly telegram?: ChannelAccess };
  /** SIGNAL_PAIRS: /signals names them when asked about another pair. */
  readonly signalPairs?: readonly string[];
}

/** Every port over the given services. Owns nothing, so there is nothing to close. */
export function agentServices(deps: AgentDeps): AgentServices {
  return {
    identity: identityPort(deps.identity),
    market: marketPort(deps.market),
    // The trading facade is the port: its views are the agent's, nothing to map.
    trading: deps.trading,
    accounts: deps.trading,
    operator: deps.trading,
    keys: keysPort(deps.keys),
    charts: chartPort(deps.charts),
    subscriptions: subscriptionsPort(deps.db, deps.channelAccess),
    news: newsPort(deps.db, deps.sentiment),
    signals: signalsService(deps.db, deps.signalPairs),
    settings: settingsPort(createUserSettings(deps.db)),
  };
}

/** The settings store, for the user the actor resolved to. */
export function settingsPort(store: UserSettingsStore): SettingsPort {
  return {
    get: (actor) => store.get(actor.userId),
    update: (actor, name, value) => store.update(actor.userId, name, value),
  };
}

/** The signal store's port with the pairs the strategy runs on. */
export function signalsService(db: Db, pairs?: readonly string[]): SignalsPort {
  return { ...signalsPort(db), ...(pairs ? { pairs } : {}) };
}
