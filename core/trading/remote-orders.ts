/**
 * Looking orders up at the exchange: by our client order id (reconciliation after an uncertain
 * createOrder or a crash) and by exchange id (completing a terse createOrder answer, syncing resting
 * orders). Venues differ: Binance finds an order by `origClientOrderId`; Kraken lists open and closed
 * orders filtered by `cl_ord_id`; others we list and match on `clientOrderId`.
 */
import { type Exchange, type Fee, type Order, OrderNotFound } from 'ccxt';
import { AppError } from '../errors.ts';
import { mapExchangeError } from '../market/ccxt-errors.ts';
import { Decimal, dec } from '../market/decimal.ts';

/** ccxt's order; at runtime it also carries `fees` when several were charged. */
export type RemoteOrder = Order & { fees?: Fee[] };

const BY_CLIENT_ID_FETCH = new Set(['binance', 'binanceus', 'bybit', 'okx', 'kucoin', 'gate', 'mexc']);
/** Venues whose order lists filter by our client id and return it (Kraken's `cl_ord_id`). */
const BY_CLIENT_ID_LIST = new Set(['kraken']);

/**
 * Whether we can find an order on this venue by our client id. Without that, an order whose createOrder
 * got no answer could not be told apart from one never sent, and a retry could place it twice: such
 * venues are refused for live trading ("cannot look up" is never read as "never sent").
 */
export function canFindByClientId(exchangeId: string): boolean {
  return BY_CLIENT_ID_FETCH.has(exchangeId) || BY_CLIENT_ID_LIST.has(exchangeId);
}

export function noClientIdLookup(exchangeId: string): AppError {
  return new AppError('ERR_LIVE_DISABLED', `${exchangeId} cannot look orders up by client id`, {
    userMessage: `Live trading is not available on ${exchangeId}: CryptoPulse cannot look an order up there by its own id, so it could not make sure an order is never placed twice. Paper trading works as usual.`,
    details: { exchange: exchangeId },
  });
}

async function listed(
  exchange: Exchange,
  method: 'fetchOpenOrders' | 'fetchClosedOrders',
  symbol: string,
  clientOrderId: string,
) {
  if (!exchange.has[method]) return undefined;
  const orders = await exchange[method](symbol, undefined, undefined, { clientOrderId });
  return orders.find((o) => o.clientOrderId === clientOrderId);
}

/** The order with our client id, or undefined when the exchange has never seen it. Errors are AppErrors. */
export async function findByClientId(
  exchange: Exchange,
  symbol: string,
  clientOrderId: string,
): Promise<RemoteOrder | undefined> {
  try {
    if (BY_CLIENT_ID_FETCH.has(exchange.id)) {
      try {
        return await exchange.fetchOrder(undefined as unknown as string, symbol, { clientOrderId });
      } catch (err) {
        if (err instanceof OrderNotFound) return undefined;
        throw err;
      }
    }
    if (!BY_CLIENT_ID_LIST.has(exchange.id)) throw noClientIdLookup(exchange.id);
    return (
      (await listed(exchange, 'fetchClosedOrders', symbol, clientOrderId)) ??
      (await listed(exchange, 'fetchOpenOrders', symbol, clientOrderId))
    );
  } catch (err) {
    throw mapExchangeError(err, exchange.id, 'findByClientId');
  }
}

/**
 * The order with status, fill and fee known: some venues answer createOrder with little more than an id
 * (Kraken) or omit fees when fetched (Binance), so we ask again or read its trades.
 */
export async function completeOrder(
  exchange: Exchange,
  order: RemoteOrder,
  symbol: string,
): Promise<RemoteOrder> {
  try {
    let full = order;
    if (full.status === undefined || full.filled === undefined)
      full = await exchange.fetchOrder(String(order.id), symbol);
    // A string-number client (exchange-clients.ts): the venue's decimal string, read as a Decimal.
    const filled = dec(full.filled ?? 0);
    if (filled.gt(0) && !full.fee && !(full.fees?.length ?? 0) && exchange.has.fetchOrderTrades) {
      const trades = await exchange.fetchOrderTrades(String(full.id), symbol);
      const fees = trades.flatMap((t) => (t.fee?.cost !== undefined && t.fee.currency ? [t.fee] : []));
      if (fees.length > 0) full = { ...full, fees };
    }
    return full;
  } catch (err) {
    throw mapExchangeError(err, exchange.id, 'fetchOrder');
  }
}

/** Total fee of an order per currency (ccxt reports `fee` or a list of `fees`). */
export function feesOf(order: RemoteOrder): Map<string, Decimal> {
  const list = order.fees?.length ? order.fees : order.fee ? [order.fee] : [];
  const totals = new Map<string, Decimal>();
  for (const f of list) {
    if (f?.cost === undefined || f.cost === null || !f.currency) continue;
    totals.set(f.currency, (totals.get(f.currency) ?? new Decimal(0)).add(dec(f.cost)));
  }
  return totals;
}
