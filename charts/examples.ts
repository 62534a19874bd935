/** Canonical chart requests: the golden images, the docs images and the benchmark all draw these. */
import { SAMPLE_ALLOCATION, sampleCandles, sampleEquity } from './sample-data.ts';
import type { AllocationRequest, CandlestickRequest, EquityRequest } from './types.ts';

const candles = sampleCandles(200, '1h');
const last = candles[candles.length - 1]!;

/** The benchmark's chart: 200 candles + volume + two EMAs + RSI at 1200x700. */
export const BENCH_CANDLESTICK: CandlestickRequest = {
  kind: 'candlestick',
  title: { pair: 'BTC/USDT', timeframe: '1h', exchange: 'Binance' },
  candles,
  overlays: [
    { kind: 'ema', period: 20 },
    { kind: 'ema', period: 50 },
  ],
  panes: [{ kind: 'rsi', period: 14 }],
  size: { width: 1200, height: 700 },
};

/** A paper signal as the broadcaster posts it: levels, the user's fills, PAPER mark. */
export const SIGNAL_CANDLESTICK: CandlestickRequest = {
  ...BENCH_CANDLESTICK,
  paper: true,
  levels: { entry: last.c, stop: Math.round(last.c * 0.982), takeProfit: Math.round(last.c * 1.03) },
  fills: [
    { t: candles[150]!.t + 600_000, price: candles[150]!.l, side: 'buy' },
    { t: candles[178]!.t + 1_200_000, price: candles[178]!.h, side: 'sell' },
    { t: candles[192]!.t, price: candles[192]!.c, side: 'buy' },
  ],
};

/** Every overlay and pane kind, light theme. */
export const FULL_CANDLESTICK: CandlestickRequest = {
  kind: 'candlestick',
  title: { pair: 'ETH/USDT', timeframe: '4h', exchange: 'Kraken' },
  candles: sampleCandles(150, '4h', 3_150, 3),
  overlays: [{ kind: 'bollinger', period: 20, stdDev: 2 }, { kind: 'vwap' }, { kind: 'sma', period: 50 }],
  panes: [{ kind: 'rsi' }, { kind: 'macd' }],
  theme: 'light',
  size: { width: 1200, height: 800 },
};

export const EQUITY: EquityRequest = {
  kind: 'equity',
  label: 'Bar Reaction 5M',
  currency: 'USDT',
  points: sampleEquity(240),
  paper: true,
  size: { width: 1200, height: 700 },
};

export const ALLOCATION: AllocationRequest = {
  kind: 'allocation',
  label: 'Portfolio',
  currency: 'USDT',
  slices: SAMPLE_ALLOCATION,
  size: { width: 1200, height: 700 },
};
