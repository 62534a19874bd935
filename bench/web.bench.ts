/**
 * Dashboard latency (issue 17): the time from XADD of a signal to its card being in the page's DOM,
 * through the real api role (a child process: SSE fan-out) and the dashboard in headless Chromium.
 * 100 signals, one after another. Both ends read the same wall clock with sub-millisecond resolution
 * (performance.timeOrigin + performance.now() in Node and in the page); a MutationObserver in the
 * page stamps each card the moment React inserts it.
 */
import { performance } from 'node:perf_hooks';
import { appendEntry } from '../core/signals/streams.ts';
import { sampleSignal } from '../core/signals/testing/fixtures.ts';
import { createTestContext } from '../test/support/context.ts';
import setupTestDatabases from '../test/support/global-setup.ts';
import { apiProcess, unusedPort } from '../web/test/api-process.ts';
import { findChromium, HOW_TO_ENABLE, launchChromium } from '../web/test/browser.ts';
import type { BenchRow } from './run.ts';
import { ms, percentile } from './stats.ts';

export const title = 'Dashboard: XADD → signal card in the DOM (api role + Chromium)';

const SIGNALS = 100;
const WARMUP = 5;
const now = () => performance.timeOrigin + performance.now();

/** Runs in the page: remembers when each card first appeared. */
const OBSERVE = `
  window.__seen = new Map();
  const stamp = () => {
    for (const el of document.querySelectorAll('[data-signal-id]')) {
      const id = el.getAttribute('data-signal-id');
      if (!window.__seen.has(id)) window.__seen.set(id, performance.timeOrigin + performance.now());
    }
  };
  new MutationObserver(stamp).observe(document.body, { childList: true, subtree: true });
  stamp();
`;

export async function run(): Promise<readonly BenchRow[]> {
  const lookup = findChromium();
  if (!lookup.found) return [{ metric: 'skipped', value: '–', note: `${lookup.reason}; ${HOW_TO_ENABLE}` }];
  await setupTestDatabases();
  const ctx = await createTestContext('bench-web');
  const api = apiProcess(ctx.env, await unusedPort());
  await api.start();
  const browser = await launchChromium(lookup.path);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${api.url}/`);
    await page.waitForSelector('[data-testid="connection"].conn-live', { timeout: 20_000 });
    await page.evaluate(OBSERVE);
    const base = Date.UTC(2026, 0, 1);
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP + SIGNALS; i++) {
      const signal = sampleSignal({ candleTime: base + i * 300_000 });
      const sentAt = now();
      await appendEntry(ctx.redis, ctx.keys, 'signals:paper', { type: 'signal', data: signal });
      // globalThis, not window: this file is type-checked without the DOM's types.
      const seenAt = await page
        .waitForFunction(
          (id) => (globalThis as unknown as { __seen: Map<string, number> }).__seen.get(id),
          signal.id,
          {
            timeout: 10_000,
            polling: 5,
          },
        )
        .then((h) => h.jsonValue() as Promise<number>);
      if (i >= WARMUP) latencies.push(seenAt - sentAt);
    }
    return [
      { metric: `XADD → card in DOM, p50`, value: ms(percentile(latencies, 50)), note: `${SIGNALS} signals` },
      { metric: `XADD → card in DOM, p99`, value: ms(percentile(latencies, 99)) },
      { metric: `XADD → card in DOM, max`, value: ms(Math.max(...latencies)) },
    ];
  } finally {
    await browser.close();
    await api.stop();
    await ctx.close();
  }
}
