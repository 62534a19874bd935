/** get_portfolio, get_pnl, get_signals, set_alert: the user's own data and alerts. */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { PNL_PERIODS_IN_WORDS, resolvePnlPeriod } from '../intent/periods.ts';
import { formatPrice } from '../present/numbers.ts';
import { positiveNumber, symbolArg } from './args.ts';
import { need } from './need.ts';
import { defineTool } from './tool.ts';

export const getPortfolio = defineTool({
  name: 'get_portfolio',
  description: 'The user’s balances and positions in their current mode (paper or live), with values.',
  args: z.object({}).strict(),
  personal: true,
  async run(_args, ctx) {
    return need(ctx.services, 'trading').portfolio(ctx.actor);
  },
  // Port holdings already carry only the fields that are known.
  forModel: (p) => ({
    mode: p.mode,
    currency: p.quoteCurrency,
    totalValue: p.totalValue,
    holdings: p.holdings,
  }),
});

export const getPnl = defineTool({
  name: 'get_pnl',
  description:
    'The user’s realized and unrealized profit and loss over a period: "day", "week", "month", "all", "ytd", "year", "90d", "this month", "since monday".',
  args: z.object({ period: z.string().trim().min(1).max(40).default('all') }).strict(),
  personal: true,
  async run({ period }, ctx) {
    const window = resolvePnlPeriod(period, ctx.now?.() ?? new Date());
    if (window === undefined)
      throw new AppError('ERR_VALIDATION', `unknown pnl period ${period.slice(0, 40)}`, {
        userMessage: `I don't know the period "${period.slice(0, 30)}". Ask for ${PNL_PERIODS_IN_WORDS}.`,
      });
    return need(ctx.services, 'trading').pnl(ctx.actor, window);
  },
});

export const getSignals = defineTool({
  name: 'get_signals',
  description:
    'Recent strategy signals (entry, stop-loss, take-profit, confidence), optionally for one pair.',
  args: z.object({ pair: symbolArg.optional(), limit: z.number().int().min(1).max(10).default(5) }).strict(),
  async run({ pair, limit }, ctx) {
    return need(ctx.services, 'signals').recent(pair ? { pair: pair.toUpperCase(), limit } : { limit });
  },
  // The port's view as is, minus the reason sentence (the numbers carry it), with the time as text.
  forModel: (signals) => ({
    signals: signals.map(({ reason: _reason, ...s }) => ({ ...s, openedAt: s.openedAt.toISOString() })),
  }),
});

export const setAlert = defineTool({
  name: 'set_alert',
  description: 'Sets a price alert: the user is notified once when the price crosses the level.',
  args: z
    .object({
      symbol: symbolArg,
      price: positiveNumber,
      direction: z.enum(['above', 'below']).optional().describe('Omitted = decided from the current price'),
    })
    .strict(),
  personal: true,
  async run(args, ctx) {
    const market = need(ctx.services, 'market');
    const symbol = await market.resolveSymbol(args.symbol);
    const { last } = await market.price(symbol);
    const direction = args.direction ?? (last <= args.price ? 'above' : 'below');
    // An alert whose condition already holds would fire at the next tick: say so instead.
    if (direction === 'above' ? last >= args.price : last <= args.price)
      throw new AppError('ERR_VALIDATION', `alert ${symbol} ${direction} ${args.price} already holds`, {
        userMessage: `${symbol} is already ${direction} ${formatPrice(args.price, symbol)} (now ${formatPrice(last, symbol)}), so that alert would fire at once. Pick a level it has not reached, e.g. "alert ${symbol.split('/')[0]?.toLowerCase()} ${direction} ${formatPrice(Number((direction === 'above' ? last * 1.05 : last * 0.95).toPrecision(3)))}".`,
      });
    return need(ctx.services, 'trading').setAlert(ctx.actor, { symbol, direction, price: args.price });
  },
  forModel: (a) => ({
    id: a.id.slice(0, 8),
    symbol: a.symbol,
    direction: a.direction,
    price: a.price,
    status: a.status,
  }),
});

export const listAlerts = defineTool({
  name: 'list_alerts',
  description: 'The user’s active price alerts, with their ids.',
  args: z.object({}).strict(),
  async run(_args, ctx) {
    return (await need(ctx.services, 'trading').listAlerts(ctx.actor)).filter((a) => a.status === 'ACTIVE');
  },
  forModel: (alerts) => ({
    alerts: alerts.map((a) => ({
      id: a.id.slice(0, 8),
      symbol: a.symbol,
      direction: a.direction,
      price: a.price,
    })),
  }),
});

export const cancelAlert = defineTool({
  name: 'cancel_alert',
  description: 'Removes one of the user’s active price alerts by its id (the first 8 characters are enough).',
  args: z
    .object({
      alert_id: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[0-9a-f]{4}[0-9a-f-]{0,32}$/, 'must be an alert id such as 3f2a9c1e'),
    })
    .strict(),
  async run({ alert_id }, ctx) {
    const trading = need(ctx.services, 'trading');
    const active = (await trading.listAlerts(ctx.actor)).filter((a) => a.status === 'ACTIVE');
    const matches = active.filter((a) => a.id.startsWith(alert_id));
    if (matches.length !== 1)
      throw new AppError('ERR_NOT_FOUND', `alert ref ${alert_id} matches ${matches.length}`, {
        userMessage: matches.length
          ? `Several alerts start with ${alert_id}; give more of the id (/alerts lists them).`
          : `You have no active alert ${alert_id}. /alerts lists yours.`,
      });
    return trading.cancelAlert(ctx.actor, matches[0]!.id);
  },
  forModel: (a) => ({ id: a.id.slice(0, 8), symbol: a.symbol, status: a.status }),
});
