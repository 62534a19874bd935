/** get_portfolio, get_pnl, get_signals, set_alert: the user's own data and alerts. */
import { z } from 'zod';
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
  description: 'The user’s realized and unrealized profit and loss over a period.',
  args: z.object({ period: z.enum(['day', 'week', 'month', 'all']).default('all') }).strict(),
  personal: true,
  async run({ period }, ctx) {
    return need(ctx.services, 'trading').pnl(ctx.actor, period);
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
  forModel: (signals) => ({
    signals: signals.map((s) => ({
      id: s.id,
      pair: s.pair,
      side: s.side,
      entry: s.entry,
      stopLoss: s.stopLoss,
      takeProfit: s.takeProfit,
      confidence: s.confidence,
      status: s.status,
      openedAt: s.openedAt.toISOString(),
      mode: s.mode,
    })),
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
    const direction = args.direction ?? ((await market.price(symbol)).last <= args.price ? 'above' : 'below');
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
