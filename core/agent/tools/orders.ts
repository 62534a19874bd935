/**
 * propose_order, cancel_order, list_orders. propose_order only creates a PROPOSED order: the core shows
 * the owner a card with Confirm/Cancel buttons, and the confirmation handle never reaches the model.
 */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { Decimal, dec } from '../../market/decimal.ts';
import { assertOrderFromUser } from '../feed-guard.ts';
import type { OrderRequest, OrderView } from '../ports.ts';
import { formatAmount, formatMoney, formatPrice } from '../present/numbers.ts';
import { orderRefArg, positiveNumber, symbolArg } from './args.ts';
import { need } from './need.ts';
import { defineTool, type ToolContext } from './tool.ts';

export const MAX_PROPOSALS_PER_TURN = 2;

const proposeArgs = z
  .object({
    symbol: symbolArg,
    side: z.enum(['buy', 'sell']),
    amount: positiveNumber.describe('How much, in the unit given by amount_unit'),
    amount_unit: z
      .enum(['base', 'quote', 'percent'])
      .default('base')
      .describe(
        'base = coins (0.5 BTC), quote = money to spend/receive (100 USDT), percent = share of the holding (sells only)',
      ),
    limit_price: positiveNumber.optional().describe('Limit price; omit for a market order'),
    trigger_price: positiveNumber
      .optional()
      .describe('Conditional order: wait until the price crosses this level'),
    trigger_direction: z
      .enum(['above', 'below'])
      .optional()
      .describe('Which way the price must cross trigger_price; omitted = decided from the current price'),
  })
  .strict()
  .refine((a) => !(a.amount_unit === 'percent' && (a.amount > 100 || a.side === 'buy')), {
    message: 'percent amounts are for sells, at most 100',
    path: ['amount'],
  });

/** Short order reference users can type back ("cancel 3f2a9c1e"). */
export const shortId = (id: string) => id.slice(0, 8);

export function orderSummary(o: OrderView) {
  return {
    id: shortId(o.id),
    status: o.status,
    mode: o.mode,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    amount: o.amount,
    filled: o.filledAmount,
    ...(o.avgFillPrice ? { avgPrice: o.avgFillPrice } : {}),
    ...(o.limitPrice ? { limitPrice: o.limitPrice } : {}),
    ...(o.trigger ? { trigger: `${o.trigger.direction} ${o.trigger.price}` } : {}),
    ...(o.cancelRequestedAt
      ? { cancelRequested: 'being cancelled at the exchange; the user is told the outcome' }
      : {}),
    createdAt: o.createdAt.toISOString(),
  };
}

async function triggerDirection(ctx: ToolContext, symbol: string, price: number): Promise<'above' | 'below'> {
  const ticker = await need(ctx.services, 'market').price(symbol);
  return price >= ticker.last ? 'above' : 'below';
}

const SIGN: Readonly<Record<string, string>> = { EUR: '€', USD: '$', GBP: '£' };

/**
 * Money in a currency the paper account does not hold ("buy €50 of eth" on a USD account): the same
 * worth of the coin, measured on the market quoted in that currency (ETH/EUR), bought with the account's
 * own cash on BASE/<account quote>, and said on the card. Live accounts and accounts holding that
 * currency trade the named market as asked.
 */
async function foreignMoney(
  ctx: ToolContext,
  symbol: string,
  args: {
    readonly amount: number;
    readonly amount_unit: string;
    readonly side: string;
    readonly limit_price?: number;
    readonly trigger_price?: number;
  },
): Promise<
  { symbol: string; amount: { unit: 'base'; value: number }; note: (amount: string) => string } | undefined
> {
  const [base = '', quote = ''] = symbol.split('/');
  if (args.amount_unit !== 'quote' || !ctx.services.trading) return undefined;
  const account = await ctx.services.trading.portfolio(ctx.actor);
  if (account.mode !== 'paper' || quote === account.quoteCurrency) return undefined;
  if (account.holdings.some((h) => h.asset === quote && Number(h.quantity) >= args.amount)) return undefined;
  const cash = account.quoteCurrency;
  if (args.limit_price !== undefined || args.trigger_price !== undefined)
    throw new AppError('ERR_VALIDATION', `paper ${quote} order with a price`, {
      userMessage: `Your paper cash is in ${cash}, not ${quote}: give the price in ${cash}, e.g. "${args.side} 0.01 ${base.toLowerCase()} at …" on ${base}/${cash}.`,
    });
  const market = need(ctx.services, 'market');
  let home: string;
  try {
    home = await market.resolveSymbol(`${base}/${cash}`);
  } catch {
    throw new AppError('ERR_VALIDATION', `no ${base}/${cash} for a ${quote} amount`, {
      userMessage: `Your paper cash is in ${cash}, and this exchange has no ${base}/${cash} market to pay from it.`,
    });
  }
  const price = (await market.price(symbol)).last;
  // Whole steps of the market it is bought on (the trading core refuses anything else), rounded down.
  const step = (await market.precision?.(home))?.amountStep;
  const raw = dec(args.amount).div(dec(price));
  const cut = step ? raw.div(dec(step)).floor().mul(dec(step)) : raw.toDecimalPlaces(8, Decimal.ROUND_DOWN);
  const value = cut.toNumber();
  const worth = `${SIGN[quote] ?? ''}${formatMoney(args.amount, SIGN[quote] ? '' : quote).trim()}`;
  return {
    symbol: home,
    amount: { unit: 'base', value },
    note: (amount) =>
      `${worth} of ${base} at ${formatPrice(price, symbol)} ${quote} (${symbol}) ≈ ${formatAmount(amount)} ${base}, ${args.side === 'buy' ? 'paid from' : 'paid into'} your paper ${cash} on ${home}${cut.eq(raw) ? '' : `; rounded down to the ${formatAmount(step ?? '0.00000001')} ${base} lot size (${worth} is ${formatAmount(raw.toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed())}${raw.decimalPlaces() > 8 ? '…' : ''} ${base})`}.`,
  };
}

export const proposeOrder = defineTool({
  name: 'propose_order',
  description:
    'Proposes a spot order. It does NOT execute: the user gets a card with Confirm/Cancel buttons and only their own press executes it. Never tell the user an order is placed or confirmed.',
  args: proposeArgs,
  async run(args, ctx) {
    const trading = need(ctx.services, 'trading');
    // After news reached the model, only the user's own words can shape an order (feed-guard.ts).
    if (ctx.source === 'llm' && ctx.untrusted.feedRead) assertOrderFromUser(ctx.userText, args);
    if (ctx.proposalsLeft <= 0)
      throw new AppError('ERR_RATE_LIMITED', 'proposal limit per turn reached', {
        userMessage: `At most ${MAX_PROPOSALS_PER_TURN} order proposals per message. Ask again for more.`,
      });
    ctx.proposalsLeft--;
    const resolved = await need(ctx.services, 'market').resolveSymbol(args.symbol);
    const foreign = await foreignMoney(ctx, resolved, args);
    const symbol = foreign?.symbol ?? resolved;
    const request: OrderRequest = {
      symbol,
      side: args.side,
      amount: foreign?.amount ?? { unit: args.amount_unit, value: args.amount },
      type: args.limit_price === undefined ? 'market' : 'limit',
      ...(args.limit_price === undefined ? {} : { limitPrice: args.limit_price }),
      ...(args.trigger_price === undefined
        ? {}
        : {
            trigger: {
              price: args.trigger_price,
              direction: args.trigger_direction ?? (await triggerDirection(ctx, symbol, args.trigger_price)),
            },
          }),
    };
    const proposed = await trading.propose(ctx.actor, request);
    // The card estimates a limit or trigger the market already satisfies at the market price.
    const ticker = await need(ctx.services, 'market').price(symbol);
    const market = args.side === 'buy' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last);
    const precision = await need(ctx.services, 'market').precision?.(symbol);
    const p = {
      ...proposed,
      marketPrice: String(market),
      ...(foreign ? { note: foreign.note(proposed.amount) } : {}),
      ...(precision ? { precision } : {}),
    };
    ctx.artifacts.proposals.push(p);
    return p;
  },
  forModel: (p) => ({
    status: 'PROPOSED',
    awaiting: 'the user pressing Confirm on the card; you cannot confirm',
    id: shortId(p.orderId),
    mode: p.mode,
    symbol: p.symbol,
    side: p.side,
    type: p.type,
    amount: p.amount,
    quotedPrice: p.price,
    notional: `${p.notional} ${p.quote}`,
    estimatedFee: `${p.estimatedFee} ${p.quote}`,
    ...(p.limitPrice ? { limitPrice: p.limitPrice } : {}),
    ...(p.trigger ? { trigger: `${p.trigger.direction} ${p.trigger.price}` } : {}),
    expiresAt: p.expiresAt.toISOString(),
  }),
});

/** The open order a reference points at: "last", a full id, or a unique id prefix. */
export async function findOpenOrder(ctx: ToolContext, ref: string): Promise<OrderView> {
  const open = await need(ctx.services, 'trading').listOrders(ctx.actor, { open: true, limit: 50 });
  const candidates =
    ref === 'last'
      ? open.filter((o) => o.status !== 'PROPOSED').slice(0, 1)
      : open.filter((o) => o.id.startsWith(ref));
  if (candidates.length > 1)
    throw new AppError('ERR_VALIDATION', 'ambiguous order prefix', {
      userMessage: `More than one open order starts with ${ref}; give more characters of its id.`,
    });
  const order = candidates[0];
  if (!order)
    throw new AppError('ERR_NOT_FOUND', 'no such open order', {
      userMessage:
        ref !== 'last'
          ? `No open order of yours starts with ${ref}.`
          : open.length
            ? 'You have only unconfirmed proposals: they expire by themselves, or press Cancel on their card.'
            : 'You have no open orders.',
    });
  return order;
}

export const cancelOrder = defineTool({
  name: 'cancel_order',
  description:
    'Cancels one of the user’s open (confirmed, waiting or resting) orders. Unconfirmed proposals need no cancelling: they expire, or the user presses Cancel on the card.',
  args: z.object({ order_id: orderRefArg }).strict(),
  personal: true,
  async run({ order_id }, ctx) {
    const order = await findOpenOrder(ctx, order_id);
    if (order.status === 'PROPOSED')
      throw new AppError('ERR_ORDER_STATE', 'proposal cancel through tool', {
        userMessage: 'That is an unconfirmed proposal: it expires by itself, or press Cancel on its card.',
      });
    return need(ctx.services, 'trading').cancel(order.id, ctx.actor);
  },
  forModel: orderSummary,
});

export const listOrders = defineTool({
  name: 'list_orders',
  description: 'The user’s orders, newest first: open ones, or all recent ones.',
  args: z
    .object({
      scope: z.enum(['open', 'all']).default('open'),
      limit: z.number().int().min(1).max(20).default(10),
    })
    .strict(),
  personal: true,
  async run({ scope, limit }, ctx) {
    const orders = await need(ctx.services, 'trading').listOrders(ctx.actor, {
      open: scope === 'open',
      limit,
    });
    return { scope, orders };
  },
  forModel: ({ scope, orders }) => ({ scope, orders: orders.map(orderSummary) }),
});
