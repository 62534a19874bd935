/**
 * Chart.js on @napi-rs/canvas: component registration, a fixed-size platform, and the draw step that
 * turns a Chart.js config into a drawn canvas plus the layout of its scales.
 */
import { createCanvas } from '@napi-rs/canvas';
import {
  ArcElement,
  BarController,
  BarElement,
  BasicPlatform,
  Chart,
  type ChartConfiguration,
  type ChartItem,
  DoughnutController,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
} from 'chart.js';
import {
  CandlestickController,
  CandlestickElement,
} from 'chartjs-chart-financial/dist/chartjs-chart-financial.esm.js';
import { FONT_FAMILY, registerFonts } from './fonts.ts';
import type { ChartLayout, ChartSize, ScaleLayout } from './types.ts';

Chart.register(
  LinearScale,
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  DoughnutController,
  ArcElement,
  Filler,
  CandlestickController,
  CandlestickElement,
);
registerFonts();
Chart.defaults.font.family = FONT_FAMILY;

/** Layout is designed for a ~600 px wide logical canvas and scaled up, so text stays phone-legible. */
export function pixelRatio(size: ChartSize): number {
  return Math.max(1, Math.min(size.width / 600, size.height / 340));
}

export interface DrawnChart {
  readonly png: Uint8Array;
  readonly layout: ChartLayout;
}

/**
 * 'async' encodes on libuv's thread pool and keeps the calling thread free (in-process rendering);
 * 'sync' encodes on the calling thread, which is cheaper inside a render worker whose loop serves no
 * one else: one busy thread per render instead of two competing for cores with the main thread.
 */
export type EncodeMode = 'async' | 'sync';

/**
 * Draws synchronously (Chart.js renders in the constructor when animation is off), PNG-encodes, and
 * only then destroys the chart, which clears the canvas. `inspect` may read geometry from the live chart.
 */
export async function drawChart(
  size: ChartSize,
  config: ChartConfiguration,
  encode: EncodeMode,
  inspect?: (chart: Chart, ratio: number) => Partial<ChartLayout>,
): Promise<DrawnChart> {
  const ratio = pixelRatio(size);
  const logical = { width: size.width / ratio, height: size.height / ratio };
  // `responsive` makes Chart.js size itself from the platform; report the exact (fractional) logical
  // size so logical * ratio lands back on the requested pixel size.
  class FixedSizePlatform extends BasicPlatform {
    override getMaximumSize(): { width: number; height: number } {
      return logical;
    }
  }
  const canvas = createCanvas(size.width, size.height);
  const options = { ...config.options, responsive: true, animation: false as const, devicePixelRatio: ratio };
  // BasicPlatform acquires the context with `canvas.getContext('2d')`, which the Skia canvas provides.
  const item = canvas as unknown as ChartItem;
  const chart = new Chart(item, { ...config, options, platform: FixedSizePlatform });
  try {
    const area = chart.chartArea;
    const scales: Record<string, ScaleLayout> = {};
    for (const [id, scale] of Object.entries(chart.scales)) {
      if (scale.type !== 'linear') continue;
      scales[id] = {
        min: scale.min,
        max: scale.max,
        start: scale.getPixelForValue(scale.min) * ratio,
        end: scale.getPixelForValue(scale.max) * ratio,
      };
    }
    const layout: ChartLayout = {
      area: {
        left: area.left * ratio,
        top: area.top * ratio,
        right: area.right * ratio,
        bottom: area.bottom * ratio,
      },
      scales,
      ...inspect?.(chart, ratio),
    };
    const png = encode === 'sync' ? canvas.encodeSync('png') : await canvas.encode('png');
    return { png, layout };
  } finally {
    chart.destroy();
  }
}

/** Maps a value through a scale layout to output pixels. */
export function toPixel(scale: ScaleLayout, value: number): number {
  return scale.start + ((value - scale.min) / (scale.max - scale.min)) * (scale.end - scale.start);
}
