/**
 * Binance spot's REST dialect (api.binance.com/api/v3/...): concatenated symbol ids, exchangeInfo
 * filters, HMAC-SHA256 signatures over the query, `newClientOrderId`, errors as `{code, msg}` with HTTP
 * 400, and 429/418 when rate-limited.
 */
import { createHmac } from 'node:crypto';
import { Decimal } from '../../../core/market/decimal.ts';
import { isTimeframe, timeframeMs } from '../../../core/market/types.ts';
import { type FakeReply, type FakeRequest, json } from './http.ts';
import {
  type Endpoint,
  type FakeExchangeState,
  type FakeMarket,
  type FakeOrder,
  type Fault,
  fakeCandle,
} from './state.ts';

const symbolId = (m: { base: string; quote: string }) => `${m.base}${m.quote}`;
const error = (code: number, msg: string, status = 400): FakeReply => json({ code, msg }, status);
const step = (decimals: number) => new Decimal(10).pow(-decimals).toFixed();

function orderJson(o: FakeOrder) {
  const quoteQty = o.avgPrice ? new Decimal(o.avgPrice).mul(o.filled) : new Decimal(0);
  return {
    symbol: symbolId(o),
    orderId: Number(o.id),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: o.limitPrice ?? '0.00000000',
    origQty: o.amount,
    executedQty: o.filled,
    cummulativeQuoteQty: quoteQty.toFixed(),
    status: o.status === 'closed' ? 'FILLED' : o.status === 'open' ? 'NEW' : 'CANCELED',
    timeInForce: 'GTC',
    type: o.type.toUpperCase(),
    side: o.side.toUpperCase(),
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.createdAt,
    updateTime: o.closedAt ?? o.createdAt,
    isWorking: true,
    workingTime: o.createdAt,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function fills(o: FakeOrder) {
  if (!o.tradeId) return [];
  return [
    {
      price: o.avgPrice,
      qty: o.filled,
      commission: o.fee,
      commissionAsset: o.feeAsset,
      tradeId: Number(o.tradeId.slice(1)),
    },
  ];
}

function trades(o: FakeOrder) {
  return fills(o).map((f) => ({
    symbol: symbolId(o),
    id: f.tradeId,
    orderId: Number(o.id),
    orderListId: -1,
    price: f.price,
    qty: f.qty,
    quoteQty: new Decimal(f.price!).mul(f.qty).toFixed(),
    commission: f.commission,
    commissionAsset: f.commissionAsset,
    time: o.closedAt,
    isBuyer: o.side === 'buy',
    isMaker: false,
    isBestMatch: true,
  }));
}

function authenticate(state: FakeExchangeState, req: FakeRequest): string | undefined {
  const key = req.headers['x-mbx-apikey'];
  if (typeof key !== 'string') return undefined;
  const secret = state.accounts.get(key);
  const at = req.signed.lastIndexOf('&signature=');
  if (!secret || at < 0) return undefined;
  const expected = createHmac('sha256', secret).update(req.signed.slice(0, at)).digest('hex');
  return expected === req.signed.slice(at + '&signature='.length) ? key : undefined;
}

function faultReply(fault: Fault): FakeReply | undefined {
  switch (fault.kind) {
    case 'http500':
      return { status: 500, body: '<html><body>500 Internal Server Error</body></html>' };
    case 'rate-limit':
      return error(
        -1003,
        'Too many requests; current limit is 6000 request weight per 1 MINUTE.',
        fault.status ?? 429,
      );
    case 'hang':
      return { status: 200, body: '', delayMs: fault.holdMs, drop: true };
    case 'insufficient-funds':
      return error(-2010, 'Account has insufficient balance for requested action.');
    case 'timeout-after-record':
    case 'delay':
    case 'arrive-late':
      return undefined;
  }
}

function endpointOf(req: FakeRequest): Endpoint | undefined {
  switch (`${req.method} ${req.path}`) {
    case 'GET /api/v3/exchangeInfo':
      return 'markets';
    case 'GET /api/v3/ticker/24hr':
      return 'ticker';
    case 'GET /api/v3/klines':
      return 'ohlcv';
    case 'POST /api/v3/order':
      return 'createOrder';
    case 'GET /api/v3/order':
      return 'fetchOrder';
    case 'DELETE /api/v3/order':
      return 'cancelOrder';
    case 'GET /api/v3/myTrades':
    case 'GET /api/v3/openOrders':
      return 'listOrders';
    case 'GET /api/v3/account':
      return 'balance';
    default:
      return undefined;
  }
}

export function handleBinance(state: FakeExchangeState, req: FakeRequest): FakeReply {
  const endpoint = endpointOf(req);
  if (!endpoint) return error(-1000, `unknown endpoint ${req.method} ${req.path}`, 404);
  state.requests[endpoint]++;
  const fault = state.takeFault(endpoint);
  if (fault?.kind === 'arrive-late')
    return {
      status: 0,
      body: '',
      arrives: { afterMs: fault.holdMs, handle: () => answer(state, req, endpoint, undefined) },
    };
  if (fault?.kind === 'delay') {
    const reply = answer(state, req, endpoint, undefined);
    return { ...reply, delayMs: (reply.delayMs ?? 0) + fault.holdMs };
  }
  const early = fault && faultReply(fault);
  if (early) return early;
  return answer(state, req, endpoint, fault);
}

function answer(
  state: FakeExchangeState,
  req: FakeRequest,
  endpoint: Endpoint,
  fault: Fault | undefined,
): FakeReply {
  const market = state.markets.find((m) => symbolId(m) === req.params.symbol);

  switch (endpoint) {
    case 'markets':
      return json({
        timezone: 'UTC',
        serverTime: Date.now(),
        rateLimits: [],
        exchangeFilters: [],
        symbols: state.markets.map(symbolInfo),
      });
    case 'ticker':
      return market ? json(ticker(market)) : error(-1121, 'Invalid symbol.');
    case 'ohlcv': {
      if (!market) return error(-1121, 'Invalid symbol.');
      const interval = req.params.interval ?? '1m';
      const tf = isTimeframe(interval) ? timeframeMs(interval) : 60_000;
      const limit = Math.min(Number(req.params.limit ?? 500), 1000);
      const last = Math.floor(Date.now() / tf) * tf;
      const start = req.params.startTime
        ? Math.ceil(Number(req.params.startTime) / tf) * tf
        : last - (limit - 1) * tf;
      const rows = [];
      for (let t = start; t <= last && rows.length < limit; t += tf) {
        const c = fakeCandle(market, t, tf);
        rows.push([t, c.o, c.h, c.l, c.c, c.v, t + tf - 1, '0', 5, '0', '0', '0']);
      }
      return json(rows);
    }
    default:
      break;
  }

  const apiKey = authenticate(state, req);
  if (!apiKey) return error(-1022, 'Signature for this request is not valid.', 401);
  // A signed request is valid for `recvWindow` ms (default 5,000) after its `timestamp`, then refused.
  const sentAt = Number(req.params.timestamp);
  const window = Number(req.params.recvWindow ?? 5_000);
  if (Date.now() > sentAt + window)
    return error(-1021, 'Timestamp for this request is outside of the recvWindow.');
  const mine = state.orders.filter((o) => o.apiKey === apiKey);
  switch (endpoint) {
    case 'createOrder': {
      if (!market) return error(-1121, 'Invalid symbol.');
      const placed = state.place(
        {
          apiKey,
          base: market.base,
          quote: market.quote,
          side: req.params.side === 'SELL' ? 'sell' : 'buy',
          type: req.params.type === 'LIMIT' ? 'limit' : 'market',
          amount: new Decimal(req.params.quantity ?? '0').toFixed(),
          limitPrice: req.params.price,
          clientOrderId: req.params.newClientOrderId,
        },
        String,
      );
      if (!placed.ok) return error(-2010, 'Duplicate order sent.');
      const o = placed.order;
      const hold = fault?.kind === 'timeout-after-record' ? fault.holdMs : state.createOrderDelayMs;
      return { ...json({ ...orderJson(o), transactTime: o.createdAt, fills: fills(o) }), delayMs: hold };
    }
    case 'fetchOrder': {
      const o = mine.find((x) =>
        req.params.origClientOrderId
          ? x.clientOrderId === req.params.origClientOrderId
          : x.id === req.params.orderId,
      );
      return o ? json(orderJson(o)) : error(-2013, 'Order does not exist.');
    }
    case 'cancelOrder': {
      const o = mine.find((x) =>
        req.params.origClientOrderId
          ? x.clientOrderId === req.params.origClientOrderId
          : x.id === req.params.orderId,
      );
      if (o?.status !== 'open') return error(-2011, 'Unknown order sent.');
      o.status = 'canceled';
      return json(orderJson(o));
    }
    case 'listOrders':
      if (req.path.endsWith('openOrders'))
        return json(mine.filter((o) => o.status === 'open').map(orderJson));
      return json(mine.filter((o) => !req.params.orderId || o.id === req.params.orderId).flatMap(trades));
    default:
      return json({
        makerCommission: 10,
        takerCommission: 10,
        canTrade: true,
        accountType: 'SPOT',
        balances: [
          { asset: 'USDT', free: '100000.00000000', locked: '0.00000000' },
          { asset: 'BTC', free: '1.00000000', locked: '0.00000000' },
        ],
        permissions: ['SPOT'],
      });
  }
}

function symbolInfo(m: FakeMarket) {
  return {
    symbol: symbolId(m),
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: step(m.priceDecimals),
        maxPrice: '1000000.00',
        tickSize: step(m.priceDecimals),
      },
      {
        filterType: 'LOT_SIZE',
        minQty: m.minAmount,
        maxQty: '9000.00000000',
        stepSize: step(m.amountDecimals),
      },
      {
        filterType: 'NOTIONAL',
        minNotional: m.minCost,
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

function ticker(m: FakeMarket) {
  const p = new Decimal(m.price);
  const d = m.priceDecimals;
  return {
    symbol: symbolId(m),
    priceChange: p.mul(0.01).toFixed(d),
    priceChangePercent: '1.010',
    weightedAvgPrice: p.toFixed(d),
    prevClosePrice: p.mul(0.99).toFixed(d),
    lastPrice: p.toFixed(d),
    lastQty: '0.01000000',
    bidPrice: p.mul(0.9999).toFixed(d),
    bidQty: '1.00000000',
    askPrice: p.mul(1.0001).toFixed(d),
    askQty: '1.00000000',
    openPrice: p.mul(0.99).toFixed(d),
    highPrice: p.mul(1.02).toFixed(d),
    lowPrice: p.mul(0.97).toFixed(d),
    volume: '250.25000000',
    quoteVolume: p.mul(250.25).toFixed(2),
    openTime: Date.now() - 86_400_000,
    closeTime: Date.now(),
    firstId: 1,
    lastId: 2000,
    count: 2000,
  };
}
