/**
 * The console chat as a trader uses it (issue 13, items 4 and 10), over the real stack: the agent core,
 * the trading service on the BullMQ `orders` queue and the worker role in paper mode. The input is fed
 * line by line while the test watches the output, so an alert can fire between two prompts.
 */
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessServices, type ProcessServices } from '../../cli/services.ts';
import type { RoleHandle } from '../../core/context.ts';
import { createMarketData } from '../../core/market/create-market-data.ts';
import { dec } from '../../core/market/decimal.ts';
import { createOrderQueue } from '../../core/trading/order-queue.ts';
import { tradingDeps } from '../../core/trading/service.ts';
import { createTradingTestContext, type TradingTestContext } from '../../core/trading/testing/app-context.ts';
import { evaluateTriggers } from '../../core/trading/triggers.ts';
import { startWorkerRole } from '../../worker/role.ts';
import { readAnswer, runConsoleChat } from './chat.ts';

describe('the console chat tells the trader everything (issue 13)', () => {
  let t: TradingTestContext;
  let worker: RoleHandle;
  let services: ProcessServices;
  let output = '';
  const input = new PassThrough();
  let done: Promise<void>;

  /** Sends lines, then waits until the output matches `until`. */
  async function type(lines: readonly string[], until: RegExp, timeoutMs = 20_000): Promise<string> {
    const from = output.length;
    input.write(`${lines.join('\n')}\n`);
    const deadline = Date.now() + timeoutMs;
    while (!until.test(output.slice(from))) {
      if (Date.now() > deadline) throw new Error(`no ${until} in:\n${output.slice(from)}`);
      await sleep(50);
    }
    return output.slice(from);
  }

  beforeAll(async () => {
    t = await createTradingTestContext('trader-console', { ORDER_CONCURRENCY: '1' });
    services = createProcessServices(t.app, { charts: { workers: 0 } });
    worker = await startWorkerRole(t.app, services);
    const out = new Writable({
      write(chunk, _enc, cb) {
        output += String(chunk);
        cb();
      },
    });
    done = runConsoleChat(t.app, { input, output: out, color: false }, services, { fillWaitMs: 10_000 });
    await type([], /> $/);
  }, 60_000);

  afterAll(async () => {
    input.end('exit\n');
    await done;
    await worker?.stop();
    await services?.close();
    await t?.close();
  });

  it('price-line-carries-the-sim-market', async () => {
    const said = await type(['price of btc'], /> $/);
    expect(said).toMatch(/^BTC\/USDT [\d,]+\.\d+ USDT \([+-][\d.]+% 24h\) · sim market$/m);
    expect(said).not.toMatch(/^sim$/m);
  });

  it('confirmation-accepts-yes-y-and-confirm-and-says-what-it-did', async () => {
    for (const answer of ['yes', 'y', 'confirm']) {
      const said = await type(['buy 0.001 btc', answer], /Filled[\s\S]*> $/);
      expect(said, answer).toMatch(/Confirm\? \[y\/n\] Confirmed \(paper\)/);
      // Told once, though both the wait and the event stream know it.
      expect(said.match(/Filled/g)).toHaveLength(1);
    }
  }, 60_000);

  it('unclear-confirmation-answer-is-asked-again-not-read-as-no', async () => {
    const said = await type(['buy 0.01 eth', 'maybe', 'n'], /Cancelled, nothing was traded[\s\S]*> $/);
    expect(said).toMatch(/Please answer yes or no \(y\/n\)/);
    expect(said).toMatch(/Confirm order [0-9a-f]{8} above\? \[y\/n\] Cancelled, nothing was traded/);
  });

  it('new-request-at-the-confirmation-prompt-is-answered', async () => {
    const said = await type(['buy 0.001 btc', 'price of eth', 'y'], /Filled[\s\S]*> $/);
    expect(said).toMatch(/ETH\/USDT [\d,.]+ USDT[\s\S]*Confirm order [0-9a-f]{8} above\? \[y\/n\] Confirmed/);
  }, 30_000);

  it('resting-limit-order-is-reported-in-words-not-as-an-outage', async () => {
    const said = await type(['buy 0.01 btc at 1000', 'y'], /resting[\s\S]*> $/);
    expect(said).toMatch(/is resting at 1,000\.00 USDT — it fills when the price gets there/);
    expect(said).not.toMatch(/is a worker running/);
  }, 30_000);

  it('alert-that-fires-reaches-the-console-user', async () => {
    await type(['alert btc above 900k'], /Alert set[\s\S]*> $/);
    const from = output.length;
    const market = createMarketData(t.app);
    const queue = createOrderQueue(t.app);
    try {
      await evaluateTriggers(tradingDeps(t.app, { market, queue }), new Map([['BTC/USDT', dec(901_000)]]));
      const deadline = Date.now() + 10_000;
      while (!/Alert:/.test(output.slice(from)) && Date.now() < deadline) await sleep(50);
    } finally {
      await queue.close();
      await market.close();
    }
    expect(output.slice(from)).toMatch(/🔔 Alert: BTC\/USDT is above 900,000\.00 USDT \(now 901,000\.00\)\./);
  });

  it('reads confirmation answers', () => {
    expect(['yes', 'Y', 'confirm', 'ok.'].map(readAnswer)).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(['no', 'N', 'cancel'].map(readAnswer)).toEqual(['no', 'no', 'no']);
    expect(['maybe', 'hmm', ''].map(readAnswer)).toEqual(['unclear', 'unclear', 'unclear']);
    expect(['price of eth', '/portfolio'].map(readAnswer)).toEqual(['request', 'request']);
  });
});
