/**
 * The chart on a signal card: the signal's 5-minute candles before and after it, with entry, stop and
 * target drawn (charts/ levels), PAPER-badged for paper signals. Candles come from the configured market.
 */
import type { ChartRenderer } from '../../charts/render.ts';
import type { CardChart, SignalCharts } from '../../core/broadcast/ports.ts';
import type { BroadcastSignal } from '../../core/broadcast/signal-entry.ts';
import type { MarketData } from '../../core/market/market-data.ts';
import type { Timeframe } from '../../core/market/types.ts';

const CANDLES_BEFORE = 60;

export function signalCharts(market: MarketData, renderer: ChartRenderer): SignalCharts {
  return {
    async chartFor(signal: BroadcastSignal): Promise<CardChart | undefined> {
      const timeframe = '5m' as Timeframe;
      const step = 5 * 60_000;
      const candles = await market.candles(signal.pair, timeframe, {
        since: signal.candleTime - CANDLES_BEFORE * step,
        limit: CANDLES_BEFORE + 1,
      });
      if (candles.length < 2) return undefined;
      const { png, alt } = await renderer.render({
        kind: 'candlestick',
        title: { pair: signal.pair, timeframe, exchange: signal.exchange },
        candles,
        levels: { entry: signal.entry, stop: signal.stopLoss, takeProfit: signal.takeProfit },
        paper: signal.mode === 'paper',
        size: { width: 800, height: 450 },
      });
      return { png, alt };
    },
  };
}
