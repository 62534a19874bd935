/**
 * Issue 13, item 7 (chart side): the legend never runs off the image, axes spanning years show the
 * year, the header's percentage says what period it covers, and the user's average entry is drawn.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { candlestickSpec } from './candlestick.ts';
import { pixelRatio, toPixel } from './chartjs.ts';
import { font, layoutHeader } from './decorations.ts';
import { renderRequest } from './draw.ts';
import { equitySpec } from './equity.ts';
import { formatUtcRange } from './format.ts';
import { colourDistance, decodePng, hexToRgb } from './png-pixels.ts';
import { sampleCandles, sampleEquity } from './sample-data.ts';
import { themeFor } from './theme.ts';
import { candleTicks, tickLabels, timeTicks } from './time-axis.ts';
import type { CandlestickRequest } from './types.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

const crowded: CandlestickRequest = {
  kind: 'candlestick',
  title: { pair: 'DOGE/USDT', timeframe: '15m', exchange: 'Binance' },
  candles: sampleCandles(200, '15m', 0.1234, 5),
  overlays: [
    { kind: 'ema', period: 20 },
    { kind: 'ema', period: 50 },
    { kind: 'sma', period: 200 },
    { kind: 'bollinger', period: 20, stdDev: 2 },
  ],
  avgEntry: 0.12,
  paper: true,
  size: { width: 640, height: 400 },
};

describe('charts tell the whole truth', () => {
  it('legend-wraps-instead-of-running-off-the-image', async () => {
    const out = await renderRequest(crowded);
    const ratio = pixelRatio(crowded.size!);
    const logicalWidth = crowded.size!.width / ratio;
    // The header rows, measured with the chart's own fonts, each fit inside the image.
    const ctx = createCanvas(10, 10).getContext('2d');
    const header = layoutHeader(
      ctx,
      {
        left: [{ text: 'DOGE/USDT', color: '#fff', weight: 700, size: 14 }],
        right: [{ text: 'Nov 18 06:00 – Nov 20 07:45 2026 UTC', color: '#fff', size: 10 }],
        second:
          'O 0.1234 H 0.1240 L 0.1230 C 0.1235 +1.2% over 2 days EMA 20 0.1234 EMA 50 0.1233 SMA 200 0.1230 BB 20 0.1231 Avg entry 0.1200'
            .split(/(?= [A-Z+])/)
            .map((text) => ({ text: text.trim(), color: '#fff' })),
      },
      logicalWidth,
    );
    expect(header.rows.length).toBeGreaterThan(1);
    for (const row of header.rows) {
      const width =
        row.reduce((sum, r) => {
          ctx.font = font(r.size ?? 10.5, r.weight ?? 400);
          return sum + ctx.measureText(r.text).width;
        }, 0) +
        7 * (row.length - 1);
      expect(width).toBeLessThanOrEqual(logicalWidth - 20 + 1);
    }
    // In the PNG: the rightmost 4 px of the header band are untouched background, and the plot moved
    // down to make room for the extra row instead of being drawn over.
    const img = await decodePng(out.png);
    const bg = hexToRgb(themeFor('dark').background);
    const top = out.layout.area.top;
    for (let y = 2; y < top - 2; y += 2)
      for (let x = img.width - 4; x < img.width; x++)
        expect(colourDistance(img.at(x, y), bg), `pixel ${x},${y}`).toBeLessThanOrEqual(3);
    const plain = await renderRequest({ ...crowded, overlays: [], avgEntry: undefined });
    expect(top).toBeGreaterThan(plain.layout.area.top);
  });

  it('axes-spanning-years-show-the-year', () => {
    const start = Date.UTC(2023, 0, 2); // a Monday
    const times = Array.from({ length: 160 }, (_, i) => start + i * WEEK);
    const { step, indices } = candleTicks(times, 7);
    const labels = tickLabels(
      indices.map((i) => times[i]!),
      step,
      times[0]!,
      times[times.length - 1]!,
    );
    // Three years of weekly candles: every label names its year, and no two labels are the same.
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (const l of labels) expect(l).toMatch(/20(23|24|25|26)/);
    expect(new Set(labels).size).toBe(labels.length);
    // Forty days across New Year: the dated ticks carry the year where it changes.
    const from = Date.UTC(2025, 11, 10);
    const to = from + 40 * DAY;
    const t = timeTicks(from, to, 7);
    const across = tickLabels(t.ticks, t.step, from, to);
    expect(across[0]).toMatch(/2025$/);
    expect(across.find((l) => l.endsWith('2026'))).toBeDefined();
    expect(formatUtcRange(from, to)).toBe('Dec 10 2025 \u2013 Jan 19 2026 UTC');
  });

  it('header-percentage-says-its-period', () => {
    const weekly = candlestickSpec(
      {
        kind: 'candlestick',
        title: { pair: 'BTC/USDT', timeframe: '1w', exchange: 'Kraken' },
        candles: sampleCandles(150, '1w'),
      },
      themeFor('dark'),
    );
    expect(headerTexts(weekly.config.plugins)).toMatch(/[+\u2212][\d.]+% over 2\.9 years/);
    const hourly = candlestickSpec(crowded, themeFor('dark'));
    expect(headerTexts(hourly.config.plugins)).toMatch(/% over 2 days/);
    const equity = equitySpec(
      { kind: 'equity', label: 'Your paper account', currency: 'USDT', points: sampleEquity(48) },
      themeFor('dark'),
    );
    expect(headerTexts(equity.config.plugins)).toMatch(/% over \d+ (hours|days)/);
  });

  it('draws-the-average-entry-line-at-its-price', async () => {
    const theme = themeFor('dark');
    const req: CandlestickRequest = { ...crowded, overlays: [], size: { width: 1200, height: 700 } };
    const out = await renderRequest(req);
    const img = await decodePng(out.png);
    const py = toPixel(out.layout.scales.y!, req.avgEntry!);
    // The line crosses the price pane at the entry price, in the entry colour.
    const { left, right } = out.layout.area;
    const xs = [0.1, 0.3, 0.5, 0.7].map((f) => left + (right - left) * f);
    for (const x of xs)
      expect(colourDistance(img.at(x, py), hexToRgb(theme.entry)), `x ${x}`).toBeLessThanOrEqual(12);
    expect(out.alt).toMatch(/average entry 0\.1200/);
  });
});

/** The text of every header run of a spec's header plugin (it keeps them in its closure; draw reads them). */
function headerTexts(plugins: readonly { id: string }[] | undefined): string {
  const p = plugins?.find((x) => x.id === 'cpHeader') as { header?: unknown } | undefined;
  return JSON.stringify(p?.header ?? '');
}
