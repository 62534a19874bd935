/**
 * Writes the README's chart images to docs/img/: `tsx charts/write-docs-images.ts`.
 * Same canonical requests as the goldens, plus a light theme and a phone-preview size.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderRequest } from './draw.ts';
import { ALLOCATION, EQUITY, FULL_CANDLESTICK, SIGNAL_CANDLESTICK } from './examples.ts';
import type { ChartRequest } from './types.ts';

const IMAGES: Record<string, ChartRequest> = {
  'chart-candlestick-signal.png': SIGNAL_CANDLESTICK,
  'chart-candlestick-indicators-light.png': FULL_CANDLESTICK,
  'chart-candlestick-phone.png': { ...SIGNAL_CANDLESTICK, size: { width: 640, height: 400 } },
  'chart-equity.png': EQUITY,
  'chart-allocation.png': ALLOCATION,
  'chart-allocation-light.png': { ...ALLOCATION, theme: 'light', paper: true },
};

const dir = join(import.meta.dirname, '..', 'docs', 'img');
await mkdir(dir, { recursive: true });
for (const [name, request] of Object.entries(IMAGES)) {
  const { png, alt } = await renderRequest(request);
  await writeFile(join(dir, name), png);
  console.log(`${name} (${(png.byteLength / 1024).toFixed(0)} KiB): ${alt}`);
}
