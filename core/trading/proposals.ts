/**
 * `propose`: validate an order request against the market and the user's limits, store it PROPOSED with
 * an expiry, and return the card a trader needs (notional, estimated fee, balance after, share of the
 * portfolio) with the signed handle for the Confirm button. Nothing is queued here.
 */
import { z } from 'zod';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { formatAmount, formatMoney, groupThousands } from '../format/numbers.ts';
import { type Actor, toDbPlatform } from '../identity/types.ts';
import { Decimal, dbString, dec, roundToStep } from '../market/decimal.ts';
import type { MarketInfo, Ticker } from '../market/market-data.ts';
import { stepDecimals } from '../market/precision.ts';
import {
  checkAmount,
  checkPrice,
  floorToAmountStep,
  numberInput,
  parseRequest,
  positiveDecimal,
} from './amounts.ts';
import { signHandle } from './confirm-handle.ts';
import { type TradingDeps, TX_OPTIONS, userRef } from './deps.ts';
import { clientOrderIdFor, newOrderId, type OrderId } from './ids.ts';
import { freeBalance, openPaperAccount, paperQuote } from './paper-account.ts';
import { paperEquity } from './portfolio.ts';
import { checkRisk } from './risk.ts';
import { recordCreation, type Tx } from './transitions.ts';
import type { Mode, Side } from './views.ts';

const amountSchema = z.union([
  numberInput.transform((value) => ({ unit: 'base' as const, value })),
  z.object({ unit: z.enum(['base', 'quote', 'percent']), value: numberInput }),
]);

export const proposeSchema = z.object({
  symbol: z.string().trim().min(1).max(40),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit']).default('market'),
  /** Base units (a number or decimal string), or { unit: 'quote' | 'percent', value }. */
  amount: amountSchema,
  limitPrice: numberInput.optional(),
  /** Conditional order: waits until the price is at or above/below `price`. */
  trigger: z.object({ direction: z.enum(['above', 'below']), price: numberInput }).optional(),
  /** Defaults to the user's mode. */
  mode: z.enum(['paper', 'live']).optional(),
  /** A paper limit order that rests: 'ttl' (default) expires after PAPER_LIMIT_TTL_HOURS, 'gtc' never. */
  timeInForce: z.enum(['gtc', 'ttl']).optional(),
});
export type ProposeInput = z.input<typeof proposeSchema>;

export interface Proposal {
  readonly orderId: OrderId;
  /** Signed, ≤ 64 bytes: put it behind the Confirm button. */
  readonly handle: string;
  readonly mode: Mode;
  readonly exchange: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly amount: string;
  /** The price the numbers below assume (market with slippage, the limit, or the trigger). */
  readonly price: string;
  readonly notional: string;
  readonly estimatedFee: string;
  readonly feeRate: string;
  readonly limitPrice?: string;
  readonly trigger?: { readonly direction: 'above' | 'below'; readonly price: string };
  /** Paper: free balances of quote and base after the order fills. */
  readonly balanceAfter?: { readonly [asset: string]: string };
  /** Percent of the paper account's value this order moves. */
  readonly portfolioShare?: string;
  /** Paper: the account's value before the order, in the quote currency. */
  readonly portfolioValue?: string;
  /**
   * How the request became this order, when it is not word for word: money or a percentage rounded down
   * to the market's amount step ("0.0201 ETH ≈ 49.89 USDT (rounded down to the 0.0001 ETH lot size; 50
   * USDT buys 0.02012… ETH with the fee)"). Every card shows it.
   */
  readonly note?: string;
  readonly expiresAt: Date;
  readonly riskNotes: readonly string[];
  /** The limits this order comes close to; the card shows only these. */
  readonly riskWarnings: readonly string[];
  /**
   * Paper limit orders, should they rest: 'gtc' (good till cancelled) or 'ttl' (until `restingUntil`).
   * Show it on the card.
   */
  readonly timeInForce?: 'gtc' | 'ttl';
  readonly restingUntil?: Date;
  /** Market orders: not executed within this many seconds of the confirmation, it expires instead. */
  readonly maxExecutionDelaySeconds?: number;
}

function validation(err: z.ZodError): AppError {
  const issue = err.issues[0];
  const path = issue?.path.join('.') ?? '';
  const code = /^(amount|limitPrice|trigger\.price)/.test(path) ? 'ERR_INVALID_AMOUNT' : 'ERR_VALIDATION';
  return new AppError(code, `invalid order request: ${path} ${issue?.message}`, {
    userMessage:
      code === 'ERR_INVALID_AMOUNT'
        ? 'That amount is not valid.'
        : `That order is not valid (${path || 'input'}).`,
  });
}

/**
 * Money in the quote currency with cents, coins to the market's amount step, trimmed as every reply
 * writes amounts (core/format): "9,252.13 USDT", "0.0015 BTC", "1,000 BTC".
 */
function shown(
  value: Decimal,
  asset: string,
  cents: boolean,
  rounding: typeof Decimal.ROUND_UP | typeof Decimal.ROUND_DOWN,
  amountStep?: string,
): string {
  if (cents) return `${groupThousands(value.toFixed(2, rounding))} ${asset}`;
  const places = amountStep ? stepDecimals(amountStep) : 8;
  return `${formatAmount(value.toDecimalPlaces(places, rounding).toFixed())} ${asset}`;
}

/** The exact price a market order of `side` pays: the ask for a buy, the bid for a sell (else the last). */
export function marketPrice(ticker: Pick<Ticker, 'last' | 'bid' | 'ask'>, side: 'BUY' | 'SELL'): Decimal {
  return side === 'BUY' ? (ticker.ask ?? ticker.last) : (ticker.bid ?? ticker.last);
}

/** Market price moved by the paper slippage, to the market's tick, against the trader. */
export function slipped(market: MarketInfo, price: Decimal, side: 'BUY' | 'SELL', bps: number): Decimal {
  const factor = new Decimal(bps).div(10_000);
  const moved = side === 'BUY' ? price.mul(factor.add(1)) : price.mul(new Decimal(1).sub(factor));
  return roundToStep(moved, dec(market.priceStep), side === 'BUY' ? Decimal.ROUND_UP : Decimal.ROUND_DOWN);
}

async function resolveAmount(
  deps: TradingDeps,
  input: z.output<typeof proposeSchema>,
  ctx: {
    userId: string;
    mode: 'PAPER' | 'LIVE';
    market: MarketInfo;
    side: 'BUY' | 'SELL';
    price: Decimal;
    feeRate: Decimal;
  },
): Promise<{ amount: Decimal; rounded?: (notional: Decimal) => string }> {
  const { unit, value } = input.amount;
  const v = positiveDecimal(value, 'amount');
  if (unit === 'base') return { amount: v };
  const tooSmall = () =>
    new AppError('ERR_INVALID_AMOUNT', `amount ${v} ${unit} is below one step`, {
      userMessage: `That is less than the smallest ${ctx.market.base} amount on ${ctx.market.symbol}.`,
    });
  const perUnit = ctx.side === 'BUY' ? ctx.price.mul(ctx.feeRate.add(1)) : ctx.price;
  let amount: Decimal;
  let exact: Decimal;
  let asked: string;
  if (unit === 'quote') {
    exact = v.div(perUnit);
    amount = floorToAmountStep(ctx.market, exact);
    asked = `${formatAmount(v.toFixed())} ${ctx.market.quote} ${ctx.side === 'BUY' ? 'buys' : 'is'}`;
  } else {
    if (v.gt(100))
      throw new AppError('ERR_INVALID_AMOUNT', `percent ${v} > 100`, {
        userMessage: 'A percentage cannot be above 100.',
      });
    const holding =
      ctx.side === 'BUY'
        ? (await freeBalance(deps.db, ctx.userId, ctx.market.quote)).div(perUnit)
        : ctx.mode === 'PAPER'
          ? await freeBalance(deps.db, ctx.userId, ctx.market.base)
          : dec(
              (
                await deps.db.position.findUnique({
                  where: { userId_mode_asset: { userId: ctx.userId, mode: 'LIVE', asset: ctx.market.base } },
                })
              )?.quantity ?? 0,
            );
    exact = holding.mul(v).div(100);
    amount = floorToAmountStep(ctx.market, exact);
    asked = `${formatAmount(v.toFixed())}% of your ${ctx.side === 'BUY' ? `${ctx.market.quote} buys` : `${ctx.market.base} is`}`;
  }
  if (amount.lte(0)) throw tooSmall();
  if (amount.eq(exact)) return { amount };
  const { base, quote, amountStep } = ctx.market;
  const withFee = ctx.side === 'BUY' ? ' with the fee' : '';
  return {
    amount,
    rounded: (notional) =>
      `${formatAmount(amount.toFixed())} ${base} ≈ ${formatMoney(notional.toFixed(2), quote)} (rounded down to the ${formatAmount(dec(amountStep).toFixed())} ${base} lot size; ${asked} ${unrounded(exact, amountStep)} ${base}${withFee})`,
  };
}

/** An amount the step cut, three digits past the step and "…" where it goes on: "0.02012…". */
function unrounded(value: Decimal, amountStep: string): string {
  const places = stepDecimals(amountStep) + 3;
  const cut = value.toDecimalPlaces(places, Decimal.ROUND_DOWN);
  return `${formatAmount(cut.toFixed())}${cut.eq(value) ? '' : '…'}`;
}

export async function propose(
  deps: TradingDeps,
  actorInput: Actor,
  request: ProposeInput,
): Promise<Proposal> {
  const { actor, input } = parseRequest(actorInput, proposeSchema, request, validation);
  const { db, config } = deps;
  const now = deps.now();
  const user = await db.user.findUnique({ where: { id: actor.userId } });
  if (!user) throw new AppError('ERR_NOT_FOUND', `no user ${actor.userId}`);
  const mode = input.mode ? (input.mode === 'live' ? 'LIVE' : 'PAPER') : user.tradingMode;
  const market = await deps.market.resolveMarket(input.symbol);
  const side = input.side === 'buy' ? 'BUY' : 'SELL';
  const type = input.type === 'limit' ? 'LIMIT' : 'MARKET';
  if (type === 'LIMIT' && input.limitPrice === undefined) {
    throw new AppError('ERR_VALIDATION', 'limit order without a price', {
      userMessage: 'A limit order needs a price.',
    });
  }
  if (type === 'MARKET' && input.limitPrice !== undefined) {
    throw new AppError('ERR_VALIDATION', 'market order with a limit price', {
      userMessage: 'A market order has no limit price; make it a limit order instead.',
    });
  }
  const limitPrice = type === 'LIMIT' ? checkPrice(market, input.limitPrice!, 'limit price') : undefined;
  const trigger = input.trigger
    ? { direction: input.trigger.direction, price: checkPrice(market, input.trigger.price, 'trigger price') }
    : undefined;
  if (mode === 'PAPER')
    await openPaperAccount(db, actor.userId, config.PAPER_START_BALANCE, await paperQuote(deps.market));
  const ticker = await deps.market.ticker(market.symbol);
  const price =
    limitPrice ??
    trigger?.price ??
    (mode === 'PAPER'
      ? slipped(market, marketPrice(ticker, side), side, config.PAPER_SLIPPAGE_BPS)
      : marketPrice(ticker, side));
  const feeRate = mode === 'PAPER' ? dec(config.PAPER_FEE_RATE) : dec(market.takerFee ?? 0.001);
  const { amount, rounded } = await resolveAmount(deps, input, {
    userId: actor.userId,
    mode,
    market,
    side,
    price,
    feeRate,
  });
  checkAmount(market, amount, price);
  const notional = amount.mul(price);
  const fee = notional.mul(feeRate);

  let balanceAfter: Record<string, string> | undefined;
  let portfolioShare: string | undefined;
  let portfolioValue: string | undefined;
  if (mode === 'PAPER') {
    const [quoteFree, baseFree] = await Promise.all([
      freeBalance(db, actor.userId, market.quote),
      freeBalance(db, actor.userId, market.base),
    ]);
    const quoteAfter = side === 'BUY' ? quoteFree.sub(notional).sub(fee) : quoteFree.add(notional).sub(fee);
    const baseAfter = side === 'BUY' ? baseFree.add(amount) : baseFree.sub(amount);
    if (quoteAfter.lt(0) || baseAfter.lt(0)) {
      const [asset, have, need] =
        side === 'BUY' ? [market.quote, quoteFree, notional.add(fee)] : [market.base, baseFree, amount];
      throw new AppError('ERR_INSUFFICIENT_FUNDS', `paper ${asset}: have ${have}, need ${need}`, {
        userMessage: `Not enough ${asset}: you have ${shown(have, asset, side === 'BUY', Decimal.ROUND_DOWN, market.amountStep)}; this order needs ${shown(need, asset, side === 'BUY', Decimal.ROUND_UP, market.amountStep)}.`,
      });
    }
    balanceAfter = {
      [market.quote]: quoteAfter.toDecimalPlaces(8).toFixed(),
      [market.base]: baseAfter.toFixed(),
    };
    const equity = await paperEquity(deps, actor.userId, market.quote);
    portfolioValue = equity.toDecimalPlaces(8).toFixed();
    if (equity.gt(0)) portfolioShare = notional.div(equity).mul(100).toDecimalPlaces(2).toFixed();
  }
  const { notes: riskNotes, warnings: riskWarnings } = await checkRisk(db, config, {
    userId: actor.userId,
    mode,
    exchange: deps.market.exchangeId,
    side,
    base: market.base,
    quote: market.quote,
    amount,
    price,
    stage: 'proposal',
    now,
  });

  const id = newOrderId();
  const expiresAt = new Date(now.getTime() + config.CONFIRM_TTL_SECONDS * 1000);
  const ttlHours = config.PAPER_LIMIT_TTL_HOURS;
  const timeInForce =
    mode === 'PAPER' && type === 'LIMIT' ? (input.timeInForce ?? (ttlHours > 0 ? 'ttl' : 'gtc')) : undefined;
  const restingUntil =
    timeInForce === 'ttl' ? new Date(now.getTime() + Math.max(ttlHours, 1) * 3_600_000) : undefined;
  await db.$transaction(async (tx) => {
    await assertRateUnderLock(tx, config, actor.userId, now);
    const order = await tx.order.create({
      data: {
        id,
        userId: actor.userId,
        mode,
        exchange: deps.market.exchangeId,
        symbol: market.symbol,
        side,
        type,
        amount: dbString(amount),
        limitPrice: limitPrice ? dbString(limitPrice) : null,
        triggerPrice: trigger ? dbString(trigger.price) : null,
        triggerDir: trigger ? (trigger.direction === 'above' ? 'ABOVE' : 'BELOW') : null,
        clientOrderId: clientOrderIdFor(id),
        quotedPrice: dbString(price),
        platform: toDbPlatform(actor.platform),
        chatId: actor.chatId ?? null,
        expiresAt,
        restingUntil: restingUntil ?? null,
        createdAt: now,
      },
    });
    await recordCreation(tx, order, userRef(actor), {
      symbol: market.symbol,
      side,
      type,
      amount: amount.toFixed(),
      price: price.toFixed(),
    });
  }, TX_OPTIONS);
  return {
    orderId: id,
    handle: signHandle(await deps.secret(), id, actor.userId, expiresAt),
    mode: mode === 'LIVE' ? 'live' : 'paper',
    exchange: deps.market.exchangeId,
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    side: input.side,
    type: input.type,
    amount: amount.toFixed(),
    price: price.toFixed(),
    notional: notional.toDecimalPlaces(8).toFixed(),
    estimatedFee: fee.toDecimalPlaces(8).toFixed(),
    feeRate: feeRate.toFixed(),
    limitPrice: limitPrice?.toFixed(),
    trigger: trigger ? { direction: trigger.direction, price: trigger.price.toFixed() } : undefined,
    balanceAfter,
    portfolioShare,
    portfolioValue,
    ...(rounded ? { note: rounded(notional) } : {}),
    expiresAt,
    riskNotes,
    riskWarnings,
    timeInForce,
    restingUntil,
    maxExecutionDelaySeconds: type === 'MARKET' ? config.MAX_EXECUTION_DELAY_SECONDS : undefined,
  };
}

/**
 * Proposals per minute, counted and inserted under one per-user lock (the snapshot count above is only a
 * fast early answer): concurrent proposals cannot all see the same count and all pass.
 */
async function assertRateUnderLock(tx: Tx, config: Config, userId: string, now: Date): Promise<void> {
  const minuteAgo = new Date(now.getTime() - 60_000);
  // Two statements: the count's snapshot must be taken after the lock, to see the previous holder's row.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${userId}, 11))::text`;
  const [row] = await tx.$queryRaw<{ recent: bigint; limit: number | null }[]>`
    SELECT (SELECT COUNT(*) FROM "Order" WHERE "userId" = ${userId}::uuid AND "createdAt" >= ${minuteAgo}) AS recent,
      (SELECT "ordersPerMinute" FROM "RiskLimit" WHERE "userId" = ${userId}::uuid) AS limit`;
  const limit = row?.limit ?? config.ORDERS_PER_MINUTE;
  if (Number(row?.recent ?? 0) >= limit) {
    throw new AppError('ERR_RISK_LIMIT', `${row?.recent} orders in the last minute`, {
      userMessage: `That is ${limit} orders within a minute, your limit. Please wait a moment.`,
      details: { limit: 'ordersPerMinute' },
    });
  }
}
