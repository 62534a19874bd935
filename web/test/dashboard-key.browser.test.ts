/**
 * The dashboard on an install with API_REQUIRE_KEY=true, in Chromium against the real `api` role: the
 * page asks for a key instead of failing, trades it for a session cookie, and then reads everything it
 * needs, the live stream included (EventSource carries the cookie), until the viewer signs out. With no signals yet, the empty
 * state says how many candles the engine has processed, from the engine's heartbeat in /ready.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../core/apikeys/store.ts';
import { writeHeartbeat } from '../../core/signals/heartbeat.ts';
import { insertSignal } from '../../core/signals/store.ts';
import { relayOutbox } from '../../core/signals/streams.ts';
import { sampleSignal } from '../../core/signals/testing/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { type ApiProcess, apiProcess, unusedPort } from './api-process.ts';
import { findChromium, launchChromium } from './browser.ts';

const lookup = findChromium();
const FIVE_MIN = 300_000;

describe.runIf(lookup.found)('the dashboard when the API requires a key', () => {
  let ctx: TestContext;
  let api: ApiProcess;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    if (!lookup.found) return;
    ctx = await createTestContext('web-key');
    key = (await new ApiKeyStore(ctx.db).create({ name: 'desk', ratePerMinute: 100_000 })).key;
    const now = Date.now();
    // The engine as it reports itself: caught up, 12,345 candles so far.
    await writeHeartbeat(ctx.redis, ctx.keys, {
      lastClose: Math.floor(now / FIVE_MIN) * FIVE_MIN,
      marketNow: now,
      at: now,
      speed: 1,
      candles: 12_345,
      owner: 'browser-test',
    });
    api = apiProcess({ ...ctx.env, API_REQUIRE_KEY: 'true' }, await unusedPort());
    await api.start();
    browser = await launchChromium(lookup.path);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await ctx?.close();
  });

  it('asks for a key, then shows the empty state with the candle count and a signal as it arrives', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${api.url}/`);
    await page.waitForSelector('#key-title', { timeout: 20_000 });

    await page.fill('input[name="api-key"]', 'cpk_wrong');
    await page.click('.key-prompt button[type="submit"]');
    await page.waitForSelector('.key-prompt [role="alert"]', { timeout: 10_000 });
    expect(await page.locator('.key-prompt [role="alert"]').textContent()).toMatch(/not valid/i);

    await page.fill('input[name="api-key"]', key);
    await page.click('.key-prompt button[type="submit"]');
    await page.waitForSelector('[data-testid="connection"].conn-live', { timeout: 20_000 });
    expect(await page.locator('#key-title').count()).toBe(0);
    // The session is an HttpOnly cookie: page scripts cannot read it, and the page kept no key.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain(
      'cpk_',
    );
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([
      ['cp_session', true, 'Strict', '/v1'],
    ]);

    await page.waitForFunction(
      () => document.querySelector('.signals .notice')?.textContent?.includes('12,345 candles'),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('.signals .notice').textContent()).toBe(
      'No paper signals yet: the engine has processed 12,345 candles. New ones appear here as they happen.',
    );

    const signal = sampleSignal({ candleTime: Math.floor(Date.now() / FIVE_MIN) * FIVE_MIN - 2 * FIVE_MIN });
    await ctx.db.$transaction((tx) => insertSignal(tx, signal, { qty: 0.01, equityAtEntry: 10_000 }));
    await relayOutbox(ctx.db, ctx.redis, ctx.keys);
    await page.waitForSelector(`[data-signal-id="${signal.id}"]`, { timeout: 10_000 });

    // The header names the key signed in with; signing out ends the session and asks for a key again.
    await page.waitForSelector('.session button', { timeout: 10_000 });
    expect(await page.locator('.session').textContent()).toMatch(/^Key desk cpk_[\w-]+…/);
    const [cookie] = await page.context().cookies();
    await page.click('.session button');
    await page.waitForSelector('#key-title', { timeout: 20_000 });
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.locator('.session').count()).toBe(0);
    // A copy of the cookie kept from before (another tab, someone who took it) no longer opens anything.
    const replayed = await fetch(`${api.url}/v1/signals?limit=1`, {
      headers: { cookie: `${cookie!.name}=${cookie!.value}` },
    });
    expect(replayed.status).toBe(401);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
