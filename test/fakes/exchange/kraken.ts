/**
 * Kraken's REST dialect (api.kraken.com/0/...): X/Z-prefixed asset codes, `{error: [], result}` bodies,
 * HMAC-SHA512 request signatures, `cl_ord_id` client order ids, errors as strings in `error`.
 */
import { createHash, createHmac } from 'node:crypto';
import { Decimal } from '../../../core/market/decimal.ts';
import { type FakeReply, type FakeRequest, json } from './http.ts';
import {
  type Endpoint,
  FAKE_FEE_RATE,
  type FakeExchangeState,
  type FakeMarket,
  type FakeOrder,
  type Fault,
  fakeCandle,
} from './state.ts';

const ASSET_CODES: Readonly<Record<string, string>> = { BTC: 'XXBT', ETH: 'XETH', USD: 'ZUSD', EUR: 'ZEUR' };
const ALTNAMES: Readonly<Record<string, string>> = { BTC: 'XBT' };
const code = (asset: string) => ASSET_CODES[asset] ?? asset;
const altname = (asset: string) => ALTNAMES[asset] ?? asset;
const pairId = (m: { base: string; quote: string }) =>
  code(m.base).length === 4 && code(m.quote).length === 4
    ? `${code(m.base)}${code(m.quote)}`
    : `${m.base}${m.quote}`;
const pairAltname = (m: { base: string; quote: string }) => `${altname(m.base)}${altname(m.quote)}`;

const ok = (result: unknown): FakeReply => json({ error: [], result });
const fail = (...error: string[]): FakeReply => json({ error });

function orderJson(o: FakeOrder) {
  const pair = pairAltname(o);
  const cost = o.avgPrice ? new Decimal(o.avgPrice).mul(o.filled) : new Decimal(0);
  return {
    refid: null,
    userref: null,
    cl_ord_id: o.clientOrderId,
    status: o.status,
    reason: null,
    opentm: o.createdAt / 1000,
    closetm: o.closedAt ? o.closedAt / 1000 : 0,
    starttm: 0,
    expiretm: 0,
    descr: {
      pair,
      type: o.side,
      ordertype: o.type,
      price: o.limitPrice ?? '0',
      price2: '0',
      leverage: 'none',
      order: `${o.side} ${o.amount} ${pair} @ ${o.type === 'limit' ? `limit ${o.limitPrice}` : 'market'}`,
      close: '',
    },
    vol: o.amount,
    vol_exec: o.filled,
    cost: cost.toFixed(),
    // Kraken charges spot fees in the quote currency.
    fee: cost.mul(FAKE_FEE_RATE).toFixed(),
    price: o.avgPrice ?? '0',
    stopprice: '0',
    limitprice: '0',
    misc: '',
    oflags: 'fciq',
    ...(o.tradeId ? { trades: [o.tradeId] } : {}),
  };
}

function txid(n: number): string {
  const s = n.toString(36).toUpperCase().padStart(16, '0');
  return `O${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10)}`;
}

function authenticate(state: FakeExchangeState, req: FakeRequest): string | undefined {
  const key = req.headers['api-key'];
  const sign = req.headers['api-sign'];
  if (typeof key !== 'string' || typeof sign !== 'string') return undefined;
  const secret = state.accounts.get(key);
  if (!secret) return undefined;
  const digest = createHash('sha256')
    .update(`${req.params.nonce ?? ''}${req.signed}`)
    .digest();
  const expected = createHmac('sha512', Buffer.from(secret, 'base64'))
    .update(Buffer.concat([Buffer.from(req.path), digest]))
    .digest('base64');
  return expected === sign ? key : undefined;
}

function faultReply(fault: Fault): FakeReply | undefined {
  switch (fault.kind) {
    case 'http500':
      return { status: 500, body: '<html><body>500 Internal Server Error</body></html>' };
    case 'rate-limit':
      return fail('EAPI:Rate limit exceeded');
    case 'hang':
      return { status: 200, body: '', delayMs: fault.holdMs, drop: true };
    case 'insufficient-funds':
      return fail('EOrder:Insufficient funds');
    case 'timeout-after-record':
    case 'delay': // Binance dialect only
    case 'arrive-late':
      return undefined;
  }
}

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  '/0/public/AssetPairs': 'markets',
  '/0/public/Assets': 'markets',
  '/0/public/Ticker': 'ticker',
  '/0/public/OHLC': 'ohlcv',
  '/0/private/AddOrder': 'createOrder',
  '/0/private/QueryOrders': 'fetchOrder',
  '/0/private/OpenOrders': 'listOrders',
  '/0/private/ClosedOrders': 'listOrders',
  '/0/private/CancelOrder': 'cancelOrder',
  '/0/private/BalanceEx': 'balance',
};

export function handleKraken(state: FakeExchangeState, req: FakeRequest): FakeReply {
  const endpoint = ENDPOINTS[req.path];
  if (!endpoint) return { status: 404, body: 'not found' };
  state.requests[endpoint]++;
  const fault = state.takeFault(endpoint);
  if (fault?.kind === 'arrive-late')
    return {
      status: 0,
      body: '',
      arrives: { afterMs: fault.holdMs, handle: () => answer(state, req, undefined) },
    };
  const early = fault && faultReply(fault);
  if (early) return early;
  return answer(state, req, fault);
}

function answer(state: FakeExchangeState, req: FakeRequest, fault: Fault | undefined): FakeReply {
  const market = (id: string | undefined) =>
    state.markets.find((m) => pairId(m) === id || pairAltname(m) === id);

  if (req.path.startsWith('/0/public/')) {
    switch (req.path) {
      case '/0/public/Assets':
        return ok(assets(state.markets));
      case '/0/public/AssetPairs':
        return ok(Object.fromEntries(state.markets.map((m) => [pairId(m), assetPair(m)])));
      case '/0/public/Ticker': {
        const m = market(req.params.pair);
        return m ? ok({ [pairId(m)]: ticker(m) }) : fail('EQuery:Unknown asset pair');
      }
      default: {
        const m = market(req.params.pair);
        if (!m) return fail('EQuery:Unknown asset pair');
        const tf = Number(req.params.interval ?? 1) * 60_000;
        const last = Math.floor(Date.now() / tf) * tf;
        const since = req.params.since ? Number(req.params.since) * 1000 : last - 719 * tf;
        const rows = [];
        for (let t = Math.ceil(since / tf) * tf; t <= last && rows.length < 720; t += tf) {
          const c = fakeCandle(m, t, tf);
          rows.push([t / 1000, c.o, c.h, c.l, c.c, c.c, c.v, 5]);
        }
        return ok({ [pairId(m)]: rows, last: last / 1000 });
      }
    }
  }

  const apiKey = authenticate(state, req);
  if (!apiKey) return fail('EAPI:Invalid key');
  const mine = state.orders.filter((o) => o.apiKey === apiKey);
  const byClient = (o: FakeOrder) => !req.params.cl_ord_id || o.clientOrderId === req.params.cl_ord_id;
  switch (req.path) {
    case '/0/private/AddOrder': {
      const m = market(req.params.pair);
      if (!m) return fail('EQuery:Unknown asset pair');
      // AddOrder's `deadline`: the matching engine refuses a request that reaches it later.
      if (req.params.deadline && Date.now() > Date.parse(req.params.deadline))
        return fail('EOrder:Deadline elapsed');
      const placed = state.place(
        {
          apiKey,
          base: m.base,
          quote: m.quote,
          side: req.params.type === 'sell' ? 'sell' : 'buy',
          type: req.params.ordertype === 'limit' ? 'limit' : 'market',
          amount: new Decimal(req.params.volume ?? '0').toFixed(),
          limitPrice: req.params.price,
          clientOrderId: req.params.cl_ord_id,
        },
        txid,
      );
      if (!placed.ok) return fail('EOrder:Duplicate order');
      const o = placed.order;
      const reply = ok({ descr: { order: orderJson(o).descr.order }, txid: [o.id] });
      const hold = fault?.kind === 'timeout-after-record' ? fault.holdMs : state.createOrderDelayMs;
      return { ...reply, delayMs: hold };
    }
    case '/0/private/CancelOrder': {
      // By txid or by cl_ord_id; only an open order can be cancelled.
      const o = mine.find((x) =>
        req.params.cl_ord_id ? x.clientOrderId === req.params.cl_ord_id : x.id === req.params.txid,
      );
      if (o?.status !== 'open') return fail('EOrder:Unknown order');
      o.status = 'canceled';
      return ok({ count: 1 });
    }
    case '/0/private/QueryOrders': {
      const ids = (req.params.txid ?? '').split(',');
      return ok(Object.fromEntries(mine.filter((o) => ids.includes(o.id)).map((o) => [o.id, orderJson(o)])));
    }
    case '/0/private/OpenOrders': {
      const open = mine.filter((o) => o.status === 'open' && byClient(o));
      return ok({ open: Object.fromEntries(open.map((o) => [o.id, orderJson(o)])) });
    }
    case '/0/private/ClosedOrders': {
      const closed = mine.filter((o) => o.status !== 'open' && byClient(o));
      return ok({
        closed: Object.fromEntries(closed.map((o) => [o.id, orderJson(o)])),
        count: closed.length,
      });
    }
    default:
      return ok({
        ZUSD: { balance: '100000.0000', hold_trade: '0.0000' },
        XXBT: { balance: '1.0', hold_trade: '0' },
      });
  }
}

function assets(markets: readonly FakeMarket[]) {
  const all = new Set(markets.flatMap((m) => [m.base, m.quote]));
  return Object.fromEntries(
    [...all].map((a) => [
      code(a),
      { aclass: 'currency', altname: altname(a), decimals: 10, display_decimals: 5, status: 'enabled' },
    ]),
  );
}

function assetPair(m: FakeMarket) {
  return {
    altname: pairAltname(m),
    wsname: `${altname(m.base)}/${altname(m.quote)}`,
    aclass_base: 'currency',
    base: code(m.base),
    aclass_quote: 'currency',
    quote: code(m.quote),
    lot: 'unit',
    cost_decimals: 5,
    pair_decimals: m.priceDecimals,
    lot_decimals: m.amountDecimals,
    lot_multiplier: 1,
    leverage_buy: [],
    leverage_sell: [],
    fees: [[0, 0.1]],
    fees_maker: [[0, 0.1]],
    fee_volume_currency: 'ZUSD',
    margin_call: 80,
    margin_stop: 40,
    ordermin: m.minAmount,
    costmin: m.minCost,
    tick_size: new Decimal(10).pow(-m.priceDecimals).toFixed(),
    status: 'online',
  };
}

function ticker(m: FakeMarket) {
  const p = new Decimal(m.price);
  const d = m.priceDecimals;
  const [ask, bid] = [p.mul(1.0001).toFixed(d), p.mul(0.9999).toFixed(d)];
  return {
    a: [ask, '1', '1.000'],
    b: [bid, '1', '1.000'],
    c: [p.toFixed(d), '0.01000000'],
    v: ['120.5', '250.25'],
    p: [p.toFixed(d), p.toFixed(d)],
    t: [1000, 2000],
    l: [p.mul(0.98).toFixed(d), p.mul(0.97).toFixed(d)],
    h: [p.mul(1.02).toFixed(d), p.mul(1.03).toFixed(d)],
    o: p.mul(0.99).toFixed(d),
  };
}
