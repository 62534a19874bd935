/**
 * generate_chart, chart_equity, chart_portfolio: render a PNG the core attaches to the reply; the model
 * only learns it is attached. A market chart asked for in a DM also carries the asker's own fills and
 * average entry in that market (never in a shared chat: they are personal).
 */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { timeframeMs } from '../../market/types.ts';
import type {
  Actor,
  AgentServices,
  ChartTheme,
  FillView,
  PortfolioView as Portfolio,
  TradingPort,
} from '../ports.ts';
import { equityHistory, equityTimeframe, type PriceSeries } from '../present/equity-history.ts';
import { image } from '../reply.ts';
import { overlayArg, paneArg, symbolArg, timeframeArg } from './args.ts';
import { need } from './need.ts';
import { defineTool, type ToolContext } from './tool.ts';

export const themeArg = z
  .enum(['dark', 'light'])
  .optional()
  .describe("Chart colours; omit for the user's chart_theme setting (dark unless they chose light)");

/** The theme asked for, else the user's chart_theme setting, else dark. */
async function themeFor(asked: ChartTheme | undefined, ctx: ToolContext): Promise<ChartTheme> {
  if (asked) return asked;
  return (await ctx.services.settings?.get(ctx.actor))?.chart_theme ?? 'dark';
}

/** The asker's fills in `symbol` within the drawn candles, and their average entry; only in a DM. */
async function ownTrades(
  services: AgentServices,
  actor: Actor,
  symbol: string,
  from: number,
): Promise<{
  fills: { t: number; price: number; side: 'buy' | 'sell' }[];
  avgEntry?: number;
  paper: boolean;
}> {
  const trading = services.trading;
  if (actor.chatKind !== 'dm' || !trading?.fills) return { fills: [], paper: false };
  const [fills, portfolio] = await Promise.all([
    trading.fills(actor, { symbol, limit: 500 }),
    trading.portfolio(actor),
  ]);
  const [base, quote] = symbol.split('/');
  const holding =
    portfolio.quoteCurrency === quote ? portfolio.holdings.find((h) => h.asset === base) : undefined;
  const avgEntry = holding?.avgEntry ? Number(holding.avgEntry) : undefined;
  const shown = fills
    .filter((f) => f.at.getTime() >= from)
    .map((f) => ({ t: f.at.getTime(), price: Number(f.price), side: f.side }));
  return {
    fills: shown,
    ...(avgEntry && avgEntry > 0 ? { avgEntry } : {}),
    paper: portfolio.mode === 'paper',
  };
}

export const generateChart = defineTool({
  name: 'generate_chart',
  description:
    'Draws a candlestick chart PNG of a market (optionally with EMA/SMA/Bollinger/VWAP overlays and RSI/MACD panes, dark or light) and attaches it to your reply. In a DM it also marks the user’s own fills and average entry.',
  args: z
    .object({
      symbol: symbolArg,
      timeframe: timeframeArg.default('1h'),
      candles: z.number().int().min(20).max(500).default(120).describe('How many candles to draw'),
      overlays: z.array(overlayArg).max(4).default([]),
      panes: z.array(paneArg).max(2).default([]),
      volume: z.boolean().default(true),
      theme: themeArg,
    })
    .strict(),
  async run(args, ctx) {
    const market = need(ctx.services, 'market');
    const charts = need(ctx.services, 'charts');
    const symbol = await market.resolveSymbol(args.symbol);
    const candles = await market.candles(symbol, args.timeframe, args.candles);
    const mine = candles[0]
      ? await ownTrades(ctx.services, ctx.actor, symbol, candles[0].t)
      : { fills: [], paper: false };
    const { png, alt } = await charts.candlestick({
      symbol,
      timeframe: args.timeframe,
      exchange: market.exchange,
      candles,
      overlays: args.overlays,
      panes: args.panes,
      volume: args.volume,
      // The PAPER mark goes on what shows the user's paper trades; market data alone is neither.
      paper: mine.paper && (mine.fills.length > 0 || mine.avgEntry !== undefined),
      theme: await themeFor(args.theme, ctx),
      ...(mine.fills.length ? { fills: mine.fills } : {}),
      ...(mine.avgEntry === undefined ? {} : { avgEntry: mine.avgEntry }),
    });
    const filename = `${symbol.replace('/', '-')}-${args.timeframe}.png`;
    ctx.artifacts.images.push(
      image(png, alt, filename, `${symbol} · ${args.timeframe} · ${market.exchange}`),
    );
    return {
      attached: true,
      symbol,
      timeframe: args.timeframe,
      candles: candles.length,
      yourFills: mine.fills.length,
      alt,
    };
  },
});

/** Today's quantities per asset, cash included. */
function holdingsNow(p: Portfolio): Record<string, string> {
  const q: Record<string, string> = {};
  if (p.cash !== undefined) q[p.quoteCurrency] = p.cash;
  for (const h of p.holdings) q[h.asset] = h.quantity;
  return q;
}

async function allFills(trading: TradingPort, actor: Actor): Promise<readonly FillView[]> {
  return trading.fills ? trading.fills(actor, { limit: 2000 }) : [];
}

export const chartEquity = defineTool({
  name: 'chart_equity',
  description:
    'Draws the user’s account value over time (rebuilt from their fills and market prices) with its drawdown, and attaches it.',
  args: z.object({ theme: themeArg }).strict(),
  personal: true,
  async run({ theme }, ctx) {
    const trading = need(ctx.services, 'trading');
    const market = need(ctx.services, 'market');
    const charts = need(ctx.services, 'charts');
    const portfolio = await trading.portfolio(ctx.actor);
    if (portfolio.cash === undefined)
      throw new AppError('ERR_VALIDATION', 'equity chart needs the cash balance', {
        userMessage:
          'I can draw the equity of a paper account. In live mode your cash sits on the exchange and I do not read it, so the curve would be wrong.',
      });
    const fills = await allFills(trading, ctx.actor);
    let now = (ctx.now?.() ?? new Date()).getTime();
    if (!fills.length)
      return {
        attached: false as const,
        reason: 'no_fills' as const,
        total: portfolio.totalValue,
        currency: portfolio.quoteCurrency,
      };
    // Never before the newest fill: a fill stamped by the database clock is always on the curve.
    now = Math.max(now, fills[fills.length - 1]!.at.getTime());
    const start = fills[0]!.at.getTime();
    const tf = equityTimeframe(Math.max(60_000, now - start));
    const step = timeframeMs(tf);
    const from = Math.floor(start / step) * step - step;
    const count = Math.min(500, Math.ceil((now - from) / step) + 1);
    const assets = [...new Set(fills.flatMap((f) => f.symbol.split('/')))].filter(
      (a) => a !== portfolio.quoteCurrency,
    );
    const prices: Record<string, PriceSeries> = {};
    await Promise.all(
      assets.map(async (asset) => {
        try {
          const symbol = await market.resolveSymbol(`${asset}/${portfolio.quoteCurrency}`);
          const candles = await market.candles(symbol, tf, count);
          prices[asset] = { t: candles.map((c) => c.t), close: candles.map((c) => c.c) };
        } catch {
          // No market for it here: valued at today's price (said in the alt text's numbers).
        }
      }),
    );
    const current: Record<string, number> = {};
    for (const h of portfolio.holdings) if (h.price) current[h.asset] = Number(h.price);
    for (const [asset, s] of Object.entries(prices))
      if (current[asset] === undefined && s.close.length) current[asset] = s.close[s.close.length - 1]!;
    const grid: number[] = [];
    for (let t = from; t < now; t += step) grid.push(t);
    grid.push(now);
    const points = equityHistory({
      quote: portfolio.quoteCurrency,
      holdings: holdingsNow(portfolio),
      fills,
      prices,
      current,
      grid,
    });
    const paper = portfolio.mode === 'paper';
    const { png, alt } = await charts.equity({
      label: paper ? 'Your paper account' : 'Your account',
      currency: portfolio.quoteCurrency,
      points,
      paper,
      theme: await themeFor(theme, ctx),
    });
    ctx.artifacts.images.push(image(png, alt, 'equity.png', `Equity · ${portfolio.quoteCurrency}`));
    return { attached: true as const, points: points.length, fills: fills.length, alt };
  },
});

export const chartPortfolio = defineTool({
  name: 'chart_portfolio',
  description:
    'Draws the user’s portfolio allocation (cash and each holding’s value and share) and attaches it.',
  args: z.object({ theme: themeArg }).strict(),
  personal: true,
  async run({ theme }, ctx) {
    const trading = need(ctx.services, 'trading');
    const charts = need(ctx.services, 'charts');
    const p = await trading.portfolio(ctx.actor);
    const slices = [
      ...(p.cash !== undefined && Number(p.cash) > 0
        ? [{ asset: `${p.quoteCurrency} cash`, value: Number(p.cash) }]
        : []),
      ...p.holdings.flatMap((h) =>
        h.value && Number(h.value) > 0 ? [{ asset: h.asset, value: Number(h.value) }] : [],
      ),
    ];
    const unpriced = p.holdings.filter((h) => !h.value).map((h) => h.asset);
    if (!slices.length) return { attached: false as const, reason: 'empty' as const, unpriced };
    const paper = p.mode === 'paper';
    const { png, alt } = await charts.allocation({
      label: paper ? 'Your paper portfolio' : 'Your portfolio',
      currency: p.quoteCurrency,
      slices,
      paper,
      theme: await themeFor(theme, ctx),
    });
    ctx.artifacts.images.push(image(png, alt, 'portfolio.png', `Portfolio · ${p.quoteCurrency}`));
    return { attached: true as const, slices: slices.length, unpriced, alt };
  },
});
