/**
 * One chart request to PNG bytes. Runs inside a render worker (see pool.ts) or in-process; the draw is
 * synchronous Chart.js work, the encode is async in-process and sync in a worker (see EncodeMode).
 */
import { allocationSpec } from './allocation.ts';
import { candlestickSpec } from './candlestick.ts';
import { drawChart, type EncodeMode } from './chartjs.ts';
import { equitySpec } from './equity.ts';
import { themeFor } from './theme.ts';
import { type ChartLayout, type ChartRequest, DEFAULT_SIZE } from './types.ts';
import { validateRequest } from './validate.ts';

export interface DrawResult {
  readonly png: Uint8Array;
  readonly alt: string;
  readonly width: number;
  readonly height: number;
  readonly layout: ChartLayout;
}

export async function renderRequest(req: ChartRequest, encode: EncodeMode = 'async'): Promise<DrawResult> {
  validateRequest(req);
  const size = req.size ?? DEFAULT_SIZE;
  const theme = themeFor(req.theme);
  let drawn: Awaited<ReturnType<typeof drawChart>>;
  let alt: string;
  switch (req.kind) {
    case 'candlestick': {
      const spec = candlestickSpec(req, theme);
      drawn = await drawChart(size, spec.config, encode);
      alt = spec.alt;
      break;
    }
    case 'equity': {
      const spec = equitySpec(req, theme);
      drawn = await drawChart(size, spec.config, encode);
      alt = spec.alt;
      break;
    }
    case 'allocation': {
      const spec = allocationSpec(req, theme);
      drawn = await drawChart(size, spec.config, encode, spec.inspect);
      alt = spec.alt;
      break;
    }
  }
  return { png: drawn.png, alt, width: size.width, height: size.height, layout: drawn.layout };
}
