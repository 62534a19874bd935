/**
 * The fake venue's book-keeping, shared by its Kraken and Binance dialects: markets and prices, the
 * orders it accepted (deduplicated by client order id, as both venues do for open orders and as our
 * safety argument needs), the faults a test queued, and counters a test asserts on.
 */
import { Decimal } from '../../../core/market/decimal.ts';

export interface FakeMarket {
  readonly base: string;
  readonly quote: string;
  price: string;
  readonly amountDecimals: number;
  readonly priceDecimals: number;
  readonly minAmount: string;
  readonly minCost: string;
}

export type FakeSide = 'buy' | 'sell';

export interface FakeOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly base: string;
  readonly quote: string;
  readonly side: FakeSide;
  readonly type: 'market' | 'limit';
  readonly amount: string;
  readonly limitPrice?: string;
  status: 'open' | 'closed' | 'canceled';
  filled: string;
  avgPrice?: string;
  /** The fee as Binance reports it (buyers pay in base); the Kraken dialect reports quote fees from the cost. */
  fee: string;
  feeAsset: string;
  readonly createdAt: number;
  closedAt?: number;
  tradeId?: string;
  readonly apiKey: string;
}

export type Fault =
  /** HTTP 500 with an HTML body, as a failing load balancer answers. */
  | { readonly kind: 'http500' }
  /** The order is recorded, then the answer is held `holdMs` (the client times out first). */
  | { readonly kind: 'timeout-after-record'; readonly holdMs: number }
  /** Nothing is recorded; the connection is held `holdMs` and then dropped. */
  | { readonly kind: 'hang'; readonly holdMs: number }
  /** Binance 429 (or 418), Kraken "EAPI:Rate limit exceeded". */
  | { readonly kind: 'rate-limit'; readonly status?: 429 | 418 }
  | { readonly kind: 'insufficient-funds' }
  /** The request is answered normally, `holdMs` late (a slow venue, a request stuck on the way). */
  | { readonly kind: 'delay'; readonly holdMs: number }
  /**
   * The request reaches the venue only `holdMs` after it was sent (stuck in a proxy or a queue on the
   * way): the venue handles it then, as it would any request that old (Binance checks `recvWindow`,
   * Kraken an AddOrder `deadline`), whether or not the client is still waiting for the answer.
   */
  | { readonly kind: 'arrive-late'; readonly holdMs: number };

export type Endpoint =
  | 'markets'
  | 'ticker'
  | 'ohlcv'
  | 'createOrder'
  | 'fetchOrder'
  | 'cancelOrder'
  | 'listOrders'
  | 'balance';

export interface PlaceInput {
  readonly apiKey: string;
  readonly base: string;
  readonly quote: string;
  readonly side: FakeSide;
  readonly type: 'market' | 'limit';
  readonly amount: string;
  readonly limitPrice?: string;
  readonly clientOrderId?: string;
}

export type PlaceResult =
  | { readonly ok: true; readonly order: FakeOrder }
  | { readonly ok: false; readonly reason: 'duplicate' };

export const FAKE_FEE_RATE = '0.001';

let sequence = 0;

export class FakeExchangeState {
  readonly markets: FakeMarket[];
  readonly orders: FakeOrder[] = [];
  /** apiKey → secret of the accounts this venue knows. */
  readonly accounts = new Map<string, string>();
  readonly requests: Record<Endpoint, number> = {
    markets: 0,
    ticker: 0,
    ohlcv: 0,
    createOrder: 0,
    fetchOrder: 0,
    cancelOrder: 0,
    listOrders: 0,
    balance: 0,
  };
  /** createOrder calls that reused a client order id: a second placement the venue refused. */
  duplicateAttempts = 0;
  /** Extra delay before every createOrder answer (the order is already recorded): keeps workers mid-flight. */
  createOrderDelayMs = 0;
  private readonly faults: { endpoint: Endpoint; fault: Fault }[] = [];
  private readonly listeners = new Set<(order: FakeOrder) => void>();

  constructor(markets: FakeMarket[]) {
    this.markets = markets;
  }

  market(base: string, quote: string): FakeMarket | undefined {
    return this.markets.find((m) => m.base === base && m.quote === quote);
  }

  /** Moves the market; resting limit orders it crosses fill at their limit price. */
  setPrice(base: string, quote: string, price: string): void {
    const m = this.market(base, quote);
    if (!m) throw new Error(`fake exchange has no ${base}/${quote}`);
    m.price = price;
    const p = new Decimal(price);
    for (const o of this.orders) {
      if (o.status !== 'open' || o.base !== base || o.quote !== quote) continue;
      const limit = new Decimal(o.limitPrice!);
      if (o.side === 'buy' ? p.gt(limit) : p.lt(limit)) continue;
      o.status = 'closed';
      o.filled = o.amount;
      o.avgPrice = limit.toFixed();
      o.fee = feeFor(o.side, o.amount, limit).toFixed();
      o.closedAt = Date.now();
      o.tradeId = `T${++sequence}`;
    }
  }

  /** The next `times` requests to `endpoint` fail with `fault`. */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ endpoint, fault });
  }

  takeFault(endpoint: Endpoint): Fault | undefined {
    const i = this.faults.findIndex((f) => f.endpoint === endpoint);
    return i < 0 ? undefined : this.faults.splice(i, 1)[0]!.fault;
  }

  /** Called synchronously whenever an order is recorded (the crash test kills the worker here). */
  onOrder(listener: (order: FakeOrder) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many orders were placed: what a real account would show. */
  get placedCount(): number {
    return this.orders.length;
  }

  byClientId(apiKey: string, clientOrderId: string): FakeOrder | undefined {
    return this.orders.find((o) => o.apiKey === apiKey && o.clientOrderId === clientOrderId);
  }

  byId(apiKey: string, id: string): FakeOrder | undefined {
    return this.orders.find((o) => o.apiKey === apiKey && o.id === id);
  }

  place(input: PlaceInput, idFormat: (n: number) => string): PlaceResult {
    if (input.clientOrderId && this.byClientId(input.apiKey, input.clientOrderId)) {
      this.duplicateAttempts++;
      return { ok: false, reason: 'duplicate' };
    }
    const market = this.market(input.base, input.quote)!;
    const n = ++sequence;
    const price = new Decimal(market.price);
    const crosses =
      input.type === 'market' ||
      (input.side === 'buy'
        ? new Decimal(input.limitPrice!).gte(price)
        : new Decimal(input.limitPrice!).lte(price));
    const feeAsset = input.side === 'buy' ? input.base : input.quote;
    const order: FakeOrder = {
      id: idFormat(n),
      clientOrderId: input.clientOrderId ?? `auto-${n}`,
      base: input.base,
      quote: input.quote,
      side: input.side,
      type: input.type,
      amount: input.amount,
      limitPrice: input.limitPrice,
      status: crosses ? 'closed' : 'open',
      filled: crosses ? input.amount : '0',
      avgPrice: crosses ? price.toFixed() : undefined,
      fee: crosses ? feeFor(input.side, input.amount, price).toFixed() : '0',
      feeAsset,
      createdAt: Date.now(),
      closedAt: crosses ? Date.now() : undefined,
      tradeId: crosses ? `T${n}` : undefined,
      apiKey: input.apiKey,
    };
    this.orders.push(order);
    for (const l of this.listeners) l(order);
    return { ok: true, order };
  }
}

/** Like Binance: buyers pay the fee in the base asset, sellers in the quote asset. */
function feeFor(side: FakeSide, amount: string, price: Decimal): Decimal {
  const qty = new Decimal(amount);
  return side === 'buy' ? qty.mul(FAKE_FEE_RATE) : qty.mul(price).mul(FAKE_FEE_RATE);
}

export function defaultMarkets(quote: 'USD' | 'USDT'): FakeMarket[] {
  return [
    {
      base: 'BTC',
      quote,
      price: '65000',
      amountDecimals: 5,
      priceDecimals: 1,
      minAmount: '0.0001',
      minCost: '5',
    },
    {
      base: 'ETH',
      quote,
      price: '3200',
      amountDecimals: 4,
      priceDecimals: 2,
      minAmount: '0.001',
      minCost: '5',
    },
    {
      base: 'SOL',
      quote,
      price: '150',
      amountDecimals: 3,
      priceDecimals: 2,
      minAmount: '0.01',
      minCost: '5',
    },
  ];
}

/** Deterministic candles around the current price (valid OHLC), for OHLCV endpoints. */
export function fakeCandle(market: FakeMarket, openTime: number, tfMs: number) {
  const p = Number(market.price);
  const i = Math.floor(openTime / tfMs);
  const o = p * (1 + 0.002 * Math.sin(i));
  const c = p * (1 + 0.002 * Math.sin(i + 1));
  const h = Math.max(o, c) * 1.001;
  const l = Math.min(o, c) * 0.999;
  const d = market.priceDecimals;
  return {
    t: openTime,
    o: o.toFixed(d),
    h: h.toFixed(d),
    l: l.toFixed(d),
    c: c.toFixed(d),
    v: (10 + (i % 7)).toFixed(4),
  };
}
