import { describe, expect, it } from 'vitest';
import { groupSlices } from './allocation.ts';
import { renderRequest } from './draw.ts';
import { ALLOCATION } from './examples.ts';
import { colourDistance, decodePng, hexToRgb } from './png-pixels.ts';
import { themeFor } from './theme.ts';

describe('portfolio allocation', () => {
  it('sorts by value and folds the tail into "Other" beyond seven slices', () => {
    const slices = Array.from({ length: 9 }, (_, i) => ({ asset: `A${i}`, value: 100 - i }));
    const grouped = groupSlices([...slices, { asset: 'ZERO', value: 0 }]);
    expect(grouped.map((s) => s.asset)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'Other']);
    expect(grouped[6]!.value).toBe(94 + 93 + 92); // A6 + A7 + A8
  });

  it('fills each slice with its colour at the middle of its arc', async () => {
    const theme = themeFor('dark');
    const out = await renderRequest(ALLOCATION);
    const img = await decodePng(out.png);
    const arcs = out.layout.arcs!;
    expect(arcs.slices.map((s) => s.label)).toEqual(['BTC', 'ETH', 'USDT', 'SOL', 'LINK', 'DOGE', 'ADA']);
    const r = (arcs.inner + arcs.outer) / 2;
    arcs.slices.slice(0, 5).forEach((slice, i) => {
      const a = (slice.start + slice.end) / 2;
      const px = img.at(arcs.cx + r * Math.cos(a), arcs.cy + r * Math.sin(a));
      expect(colourDistance(px, hexToRgb(theme.slices[i]!)), slice.label).toBeLessThanOrEqual(3);
    });
    // BTC is 18,250 of 38,221.15 = 47.7% of the circle.
    const btc = arcs.slices[0]!;
    expect((btc.end - btc.start) / (2 * Math.PI)).toBeCloseTo(18_250 / 38_221.15, 3);
    // The hole shows the background.
    expect(
      colourDistance(
        img.at(arcs.cx + arcs.inner * 0.5, arcs.cy + arcs.inner * 0.5),
        hexToRgb(theme.background),
      ),
    ).toBe(0);
  });

  it('lists every holding with its share in the alt text', async () => {
    const { alt } = await renderRequest(ALLOCATION);
    expect(alt).toBe(
      'Portfolio allocation "Portfolio", total 38,221.15 USDT: BTC 47.7%, ETH 24.6%, USDT 16.0%, SOL 8.3%, ' +
        'LINK 2.5%, DOGE 0.6%, ADA 0.3%.',
    );
  });
});
