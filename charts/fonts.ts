/**
 * Registers the Inter font shipped by the `@fontsource/inter` package under a private family name, so
 * text renders identically on every machine whatever system fonts exist (goldens depend on it).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

export const FONT_FAMILY = 'CryptoPulse Inter';

const WEIGHTS = [400, 600, 700] as const;
let registered = false;

export function registerFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@fontsource/inter/package.json')), 'files');
  for (const weight of WEIGHTS) {
    const file = join(dir, `inter-latin-${weight}-normal.woff2`);
    if (!GlobalFonts.registerFromPath(file, FONT_FAMILY)) {
      throw new Error(`charts: could not register font ${file}`);
    }
  }
  registered = true;
}
