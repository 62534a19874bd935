/** /price and /chart. */
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import { readIndicator } from '../../intent/chart.ts';
import { tokenize } from '../../intent/normalize.ts';
import type { LowerPane, Overlay } from '../../ports.ts';
import { formatMoney } from '../../present/numbers.ts';
import { tickersText } from '../../present/trading.ts';
import { text } from '../../reply.ts';
import { symbolArg, timeframeArg } from '../../tools/args.ts';
import { chartEquity, chartPortfolio, generateChart, themeArg } from '../../tools/chart.ts';
import { getPrice } from '../../tools/market.ts';
import { need } from '../../tools/need.ts';
import { defineCommand } from '../command.ts';
import { viaIntent } from '../text-args.ts';

export const priceCommand = defineCommand({
  name: 'price',
  description: 'Current price of one or more markets',
  examples: ['btc', 'eth sol', 'eth/eur'],
  args: z
    .object({
      symbol: z.string().trim().min(2).max(80).describe('One to five markets, e.g. "btc" or "btc eth sol"'),
    })
    .strict(),
  parseText: viaIntent('price of', 'price', 'price', '/price btc'),
  needs: ['market'],
  async handler({ symbol }, ctx) {
    const symbols = [...new Set(symbol.split(/[\s,]+/).filter(Boolean))].slice(0, 5);
    const tickers = await Promise.all(symbols.map((s) => ctx.tool(getPrice, { symbol: s })));
    return [text(tickersText(tickers))];
  },
});

/** "ema20 rsi macd" → overlays and panes (the same words the free-text parser understands). */
export function readIndicators(words: string): { overlays: Overlay[]; panes: LowerPane[] } {
  const tokens = tokenize(words.toLowerCase().replace(/,/g, ' '));
  const overlays: Overlay[] = [];
  const panes: LowerPane[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const ind = readIndicator(tokens, i);
    if (ind?.refused) throw new AppError('ERR_VALIDATION', 'indicator period', { userMessage: ind.refused });
    if (!ind) {
      // A word that is not an indicator is said back, never dropped.
      if (/^(and|with|&|plus|\+)$/.test(tokens[i]!)) continue;
      throw new AppError('ERR_VALIDATION', `unknown indicator ${tokens[i]}`, {
        userMessage: `I don't know "${tokens[i]!.slice(0, 20)}" as an indicator. I draw ema, sma, bollinger, vwap, rsi and macd, e.g. "ema 20/50 rsi".`,
      });
    }
    overlays.push(...ind.overlays);
    panes.push(...ind.panes);
    i += ind.used - 1;
  }
  return { overlays, panes };
}

export const chartCommand = defineCommand({
  name: 'chart',
  description: 'Candlestick chart of a market with indicators (dark or light), or your equity or portfolio',
  examples: ['btc 1h', 'eth 4h ema 20/50 rsi', 'sol 1d bollinger macd light', 'equity', 'portfolio'],
  args: z
    .object({
      symbol: symbolArg.describe('A market, or "equity" / "portfolio" for your own account'),
      timeframe: timeframeArg.default('1h'),
      indicators: z.string().max(100).optional().describe('e.g. "ema20 ema50 rsi macd bollinger vwap"'),
      theme: themeArg,
    })
    .strict(),
  parseText: (t) => {
    const read = viaIntent('chart', 'chart', 'chart', '/chart btc 1h ema 20')(t);
    if (read.ok) return read;
    // "/chart equity", "/chart my portfolio light": the account charts share the command.
    const account = viaIntent('chart', 'account_chart', 'chart', '/chart equity')(t);
    return account.ok ? account : read;
  },
  needs: ['market', 'charts'],
  async handler({ symbol, timeframe, indicators, theme }, ctx) {
    const account = /^(equity|portfolio)$/i.exec(symbol)?.[1]?.toLowerCase();
    if (account) {
      need(ctx.services, 'trading');
      ctx.markPersonal();
      if (account === 'equity') {
        const r = await ctx.tool(chartEquity, { theme });
        if (r.attached) return [];
        return [
          text(
            `You have no trades yet, so there is no curve to draw: your account is worth ${formatMoney(r.total, r.currency)}. Try "buy $100 of eth" first.`,
          ),
        ];
      }
      const r = await ctx.tool(chartPortfolio, { theme });
      if (r.attached) return [];
      return [text('Your portfolio holds nothing I can price yet, so there is nothing to draw.')];
    }
    const { overlays, panes } = readIndicators(indicators ?? '');
    if (overlays.length > 4 || panes.length > 2)
      throw new AppError('ERR_VALIDATION', 'too many indicators', {
        userMessage: `One chart takes up to 4 lines (ema, sma, bollinger, vwap) and 2 panes (rsi, macd); you asked for ${overlays.length} and ${panes.length}. Ask for fewer.`,
      });
    await ctx.tool(generateChart, {
      symbol,
      timeframe,
      overlays: overlays.slice(0, 4),
      panes: panes.slice(0, 2),
      theme,
    });
    return [];
  },
});
