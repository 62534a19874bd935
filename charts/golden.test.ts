/**
 * Golden images of three canonical charts (a paper signal candlestick, an equity curve, an allocation),
 * compared with a tolerance that absorbs anti-aliasing noise but not a moved line, colour or label.
 *
 * Regenerate after an intended visual change: `UPDATE_GOLDENS=1 npx vitest run charts/golden.test.ts`,
 * look at the new files, and say why they changed in the commit message. On a mismatch the actual image
 * is written next to the golden as `<name>.actual.png` for inspection; do not commit it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRequest } from './draw.ts';
import { ALLOCATION, EQUITY, SIGNAL_CANDLESTICK } from './examples.ts';
import { decodePng, diffImages } from './png-pixels.ts';
import type { ChartRequest } from './types.ts';

const DIR = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDENS === '1';
/** A pixel differs when a channel moves by more than this (anti-aliasing jitter stays below). */
const CHANNEL_THRESHOLD = 24;
/** Share of pixels allowed to differ: a moved line or label is far more than this. */
const MAX_SHARE = 0.002;

const CANONICAL: Record<string, ChartRequest> = {
  'candlestick-signal-dark': SIGNAL_CANDLESTICK,
  'equity-paper-dark': EQUITY,
  'allocation-dark': ALLOCATION,
};

describe('golden images', () => {
  for (const [name, request] of Object.entries(CANONICAL)) {
    it(`${name} matches its golden within tolerance`, async () => {
      const file = join(DIR, `${name}.png`);
      const { png } = await renderRequest(request);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) throw new Error(`missing golden ${file}; run with UPDATE_GOLDENS=1 to create it`);
        await mkdir(DIR, { recursive: true });
        await writeFile(file, png);
        return;
      }
      const diff = diffImages(await decodePng(await readFile(file)), await decodePng(png), CHANNEL_THRESHOLD);
      if (diff.share > MAX_SHARE) await writeFile(join(DIR, `${name}.actual.png`), png);
      expect(
        diff.share,
        `${diff.differing} pixels differ (max channel ${diff.maxChannel})`,
      ).toBeLessThanOrEqual(MAX_SHARE);
    });
  }
});
