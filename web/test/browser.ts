/**
 * Chromium for the dashboard's browser tests and benchmark, through playwright-core (it cannot
 * download browsers here; FACTS.md). Found through CHROMIUM_PATH or the usual system paths. Without
 * one the tests skip and say how to enable them, unless REQUIRE_BROWSER=1 (set by .ci/run) makes a
 * missing browser a failure.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export type BrowserLookup =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string; readonly required: boolean };

export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  const required = env.REQUIRE_BROWSER === '1' || env.REQUIRE_BROWSER === 'true';
  if (env.CHROMIUM_PATH) {
    if (existsSync(env.CHROMIUM_PATH)) return { found: true, path: env.CHROMIUM_PATH };
    return { found: false, required, reason: `CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist` };
  }
  const path = SYSTEM_PATHS.find((p) => existsSync(p));
  if (path) return { found: true, path };
  return { found: false, required, reason: `no Chromium at ${SYSTEM_PATHS.slice(0, 3).join(', ')} …` };
}

export const HOW_TO_ENABLE =
  'install Chromium (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary';

/** Headless, no sandbox (containers run as root), no GPU, no background traffic; a fresh profile each launch. */
export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
