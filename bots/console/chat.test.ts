/**
 * The console chat driven through its input stream, over the real stack: agent core, trading service on
 * the BullMQ `orders` queue, and the worker role executing in paper mode. A price, a chart saved as a
 * PNG, a buy confirmed with "y" and filled, a buy declined with "n".
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../charts/png-pixels.ts';
import { createProcessServices, type ProcessServices } from '../../cli/services.ts';
import type { RoleHandle } from '../../core/context.ts';
import { createTradingTestContext, type TradingTestContext } from '../../core/trading/testing/app-context.ts';
import { startWorkerRole } from '../../worker/role.ts';
import { runConsoleChat } from './chat.ts';

function collector(): { stream: Writable; text: () => string } {
  let out = '';
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    }),
    text: () => out,
  };
}

describe('cryptopulse chat through stdin (paper mode, real worker)', () => {
  let t: TradingTestContext;
  let worker: RoleHandle;
  let services: ProcessServices;
  let imageDir: string;
  let output = '';

  beforeAll(async () => {
    t = await createTradingTestContext('console-chat', { ORDER_CONCURRENCY: '1' });
    services = createProcessServices(t.app, { charts: { workers: 0 } });
    worker = await startWorkerRole(t.app, services);
    imageDir = mkdtempSync(join(tmpdir(), 'cp-console-'));
    const input = new PassThrough();
    const out = collector();
    input.end(
      [
        'price of btc',
        '/chart eth 1h ema 20 rsi',
        'buy 0.001 btc',
        'y',
        'buy 0.002 btc',
        'n',
        '/orders all',
        'exit',
        '',
      ].join('\n'),
    );
    await runConsoleChat(t.app, { input, output: out.stream, imageDir, color: false }, services);
    output = out.text();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await services?.close();
    await t?.close();
    rmSync(imageDir, { recursive: true, force: true });
  });

  it('answers a price', () => {
    expect(output).toMatch(/BTC\/USDT [\d,]+\.\d+ USDT/);
  });

  it('saves the chart as a PNG file that exists and decodes', async () => {
    const path = /Chart saved: (\S+\.png)/.exec(output)?.[1];
    expect(path).toBeDefined();
    expect(existsSync(path!)).toBe(true);
    const decoded = await decodePng(await readFile(path!));
    expect(decoded.width).toBeGreaterThan(300);
  });

  it('asks y/N for a proposal; "y" confirms and the order fills in paper mode', async () => {
    expect(output).toMatch(/Confirm this order\?[\s\S]*Buy 0\.001 BTC[\s\S]*Confirm\? \[y\/n\]/);
    expect(output).toMatch(/Confirmed \(paper\)/);
    expect(output).toMatch(
      /Filled: \S+ Buy 0\.001 BTC @ [\d,.]+ · FILLED|Filled \S+: Bought 0\.001 BTC at [\d,.]+ USDT/,
    );
    const filled = await t.app.db.order.findMany({ where: { status: 'FILLED' } });
    expect(filled.map((o) => o.amount.toString())).toEqual(['0.001']);
  });

  it('"n" declines the second proposal and nothing is traded', async () => {
    expect(output).toMatch(/Cancelled, nothing was traded: \S+ Buy 0\.002 BTC · CANCELLED/);
    const orders = await t.app.db.order.findMany({ orderBy: { createdAt: 'asc' }, select: { status: true } });
    expect(orders.map((o) => o.status)).toEqual(['FILLED', 'CANCELLED']);
  });

  it('shows the order history with both outcomes', () => {
    expect(output).toMatch(/Recent orders[\s\S]*CANCELLED[\s\S]*FILLED/);
  });
});
