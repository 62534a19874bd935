import { describe, expect, it } from 'vitest';
import { toPixel } from './chartjs.ts';
import { renderRequest } from './draw.ts';
import { equityStats } from './equity.ts';
import { EQUITY } from './examples.ts';
import { colourDistance, decodePng, hexToRgb } from './png-pixels.ts';
import { themeFor } from './theme.ts';

describe('equity curve with drawdown', () => {
  it('measures drawdown from the running peak', () => {
    const s = equityStats([
      { t: 1, equity: 100 },
      { t: 2, equity: 120 }, // new peak
      { t: 3, equity: 90 }, // 90 / 120 - 1 = -25%
      { t: 4, equity: 110 }, // 110 / 120 - 1 = -8.33%
    ]);
    expect(s.drawdown[0]).toBe(0);
    expect(s.drawdown[1]).toBe(0);
    expect(s.drawdown[2]).toBeCloseTo(-25);
    expect(s.drawdown[3]).toBeCloseTo(-8.3333, 3);
    expect(s.maxDrawdownPct).toBeCloseTo(-25);
    expect(s.returnPct).toBeCloseTo(10); // 110 / 100 - 1
  });

  it('draws the drawdown area in the loss colour below zero and tags the last equity', async () => {
    const theme = themeFor('dark');
    const out = await renderRequest(EQUITY);
    const img = await decodePng(out.png);
    expect([img.width, img.height]).toEqual([1200, 700]);
    const stats = equityStats(EQUITY.points);
    const worst = stats.drawdown.indexOf(stats.maxDrawdownPct);
    const x = toPixel(out.layout.scales.x!, EQUITY.points[worst]!.t);
    const dd = out.layout.scales.dd!;
    // The drawdown line sits at the worst drawdown; halfway up to 0% the area fill is reddish.
    const lineY = toPixel(dd, stats.maxDrawdownPct);
    const fill = img.at(x, (lineY + toPixel(dd, 0)) / 2);
    expect(fill[0]).toBeGreaterThan(fill[1] + 20);
    expect(colourDistance(img.at(x, lineY), hexToRgb(theme.down))).toBeLessThanOrEqual(40);
    // Last-value tag: up colour for a gain.
    const tagY = toPixel(out.layout.scales.y!, stats.last);
    expect(stats.returnPct).toBeGreaterThan(0);
    expect(colourDistance(img.at(img.width - 6, tagY), hexToRgb(theme.up))).toBeLessThanOrEqual(3);
  });

  it('states the return and the maximum drawdown in the alt text', async () => {
    const { alt } = await renderRequest(EQUITY);
    expect(alt).toBe(
      'Paper-trading equity curve "Bar Reaction 5M" in USDT, Nov 12 00:00 – Nov 21 23:00 2026 UTC: ' +
        'from 10,000.00 to 10,255.60 (+2.56%), maximum drawdown −3.40%.',
    );
  });
});
