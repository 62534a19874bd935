import { describe, expect, it } from 'vitest';
import { pixelRatio, toPixel } from './chartjs.ts';
import { renderRequest } from './draw.ts';
import { SIGNAL_CANDLESTICK } from './examples.ts';
import { colourDistance, decodePng, hexToRgb } from './png-pixels.ts';
import { sampleCandles } from './sample-data.ts';
import { themeFor } from './theme.ts';
import type { CandlestickRequest } from './types.ts';

const candles = sampleCandles(120, '1h');
const plain: CandlestickRequest = {
  kind: 'candlestick',
  title: { pair: 'BTC/USDT', timeframe: '1h', exchange: 'Binance' },
  candles,
  size: { width: 1200, height: 700 },
};

/** Index of the candle with the tallest body in the given direction (most pixels to sample). */
function tallest(dir: 'up' | 'down'): number {
  let best = -1;
  let size = 0;
  candles.forEach((c, i) => {
    const body = dir === 'up' ? c.c - c.o : c.o - c.c;
    if (body > size && i < candles.length - 5) {
      size = body;
      best = i;
    }
  });
  return best;
}

const near = (actual: readonly number[], hex: string, tolerance = 3) =>
  expect(colourDistance(actual, hexToRgb(hex)), `${actual} vs ${hex}`).toBeLessThanOrEqual(tolerance);

describe('candlestick chart', () => {
  it('draws a rising candle body in the rising colour and a falling one in the falling colour', async () => {
    const theme = themeFor('dark');
    const out = await renderRequest(plain);
    const img = await decodePng(out.png);
    expect([img.width, img.height]).toEqual([1200, 700]);
    const { x, y } = out.layout.scales as Record<string, NonNullable<(typeof out.layout.scales)[string]>>;
    for (const [dir, colour] of [
      ['up', theme.up],
      ['down', theme.down],
    ] as const) {
      const i = tallest(dir);
      const c = candles[i]!;
      near(img.at(toPixel(x!, i), toPixel(y!, (c.o + c.c) / 2)), colour);
    }
    // Outside the plot: the theme background, never transparent.
    near(img.at(3, img.height - 3), theme.background);
  });

  it('draws the stop-loss line and its price tag in the stop colour at the stop price', async () => {
    const theme = themeFor('dark');
    const out = await renderRequest(SIGNAL_CANDLESTICK);
    const img = await decodePng(out.png);
    const y = out.layout.scales.y!;
    const stopY = toPixel(y, SIGNAL_CANDLESTICK.levels!.stop!);
    const { left, right } = out.layout.area;
    // Dashed (6 on, 4 off): well over a third of the row across the plot is the stop colour.
    let hits = 0;
    let total = 0;
    for (let px = left + 120; px < right - 20; px++, total++) {
      if (colourDistance(img.at(px, stopY), hexToRgb(theme.stop)) <= 3) hits++;
    }
    expect(hits / total).toBeGreaterThan(0.4);
    // The tag on the price axis is filled with the stop colour (sampled in its padding right of the text).
    const tagX = img.width - 3 * pixelRatio(SIGNAL_CANDLESTICK.size!);
    near(img.at(tagX, stopY), theme.stop);
    // The take-profit level has its own colour at its price.
    near(img.at(tagX, toPixel(y, SIGNAL_CANDLESTICK.levels!.takeProfit!)), theme.takeProfit);
  });

  it('marks a buy fill with an upward marker under the candle in the buy colour', async () => {
    const theme = themeFor('dark');
    const out = await renderRequest(SIGNAL_CANDLESTICK);
    const img = await decodePng(out.png);
    const fill = SIGNAL_CANDLESTICK.fills![0]!;
    const i = SIGNAL_CANDLESTICK.candles.findIndex((c) => c.t <= fill.t && fill.t < c.t + 3_600_000);
    const ratio = pixelRatio(SIGNAL_CANDLESTICK.size!);
    const lowY = toPixel(out.layout.scales.y!, SIGNAL_CANDLESTICK.candles[i]!.l);
    // Tip 3 logical px under the low, at least 7 logical px tall: 6 px under the tip is inside it.
    near(img.at(toPixel(out.layout.scales.x!, i), lowY + (3 + 6) * ratio), theme.buy, 8);
  });

  it('shows the last-price tag in the direction colour and a PAPER badge in the header', async () => {
    const theme = themeFor('light');
    const out = await renderRequest({ ...plain, theme: 'light', paper: true });
    const img = await decodePng(out.png);
    const last = candles[candles.length - 1]!;
    const tagX = img.width - 3 * pixelRatio(plain.size!);
    near(img.at(tagX, toPixel(out.layout.scales.y!, last.c)), last.c >= last.o ? theme.up : theme.down);
    let badge = 0;
    for (let py = 0; py < out.layout.area.top; py++) {
      for (let px = 0; px < img.width / 2; px++)
        if (colourDistance(img.at(px, py), hexToRgb(theme.paper)) <= 2) badge++;
    }
    expect(badge).toBeGreaterThan(400);
    near(img.at(2, 2), theme.background);
  });

  it('puts each lower pane under the price pane and keeps RSI on a 0–100 scale', async () => {
    const out = await renderRequest({ ...plain, panes: [{ kind: 'rsi' }, { kind: 'macd' }] });
    const { y, pane0, pane1 } = out.layout.scales;
    expect(pane0).toMatchObject({ min: 0, max: 100 });
    // y axes map upwards: start is the pane's bottom pixel, end its top.
    expect(y!.start).toBeLessThanOrEqual(pane0!.end + 1);
    expect(pane0!.start).toBeLessThanOrEqual(pane1!.end + 1);
    expect(y!.start - y!.end).toBeGreaterThan(2 * (pane0!.start - pane0!.end));
  });

  it('describes the chart in the alt text', async () => {
    const out = await renderRequest(SIGNAL_CANDLESTICK);
    expect(out.alt).toContain('Paper-trading candlestick chart of BTC/USDT on Binance, 200 1h candles');
    expect(out.alt).toContain('Nov 12 00:00 – Nov 20 07:00 2026 UTC');
    expect(out.alt).toMatch(/EMA 20 at [\d,.]+, EMA 50 at [\d,.]+, RSI 14 at \d+\.\d/);
    expect(out.alt).toMatch(/stop-loss [\d,.]+/);
    expect(out.alt).toContain('Your fills: 2 buy, 1 sell.');
  });
});
