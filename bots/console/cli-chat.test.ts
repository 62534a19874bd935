/**
 * `cryptopulse chat` as a user runs it: the real CLI in a child process, driven through stdin, with its
 * in-process orders worker. A price, a chart PNG that exists and decodes, a buy confirmed with "y" and
 * filled in paper mode, a buy declined with "n".
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../charts/png-pixels.ts';
import { createTradingTestContext, type TradingTestContext } from '../../core/trading/testing/app-context.ts';
import { spawnCli } from '../../test/support/cli.ts';

describe('cryptopulse chat (the CLI, through stdin)', () => {
  let t: TradingTestContext;
  let output = '';
  let code: number | null = null;

  beforeAll(async () => {
    t = await createTradingTestContext('cli-chat');
    const run = spawnCli(['chat'], { ...t.env, EXCHANGE: 'sim', OPENAI_API_KEY: '' });
    run.child.stdin?.end(
      [
        'price of eth',
        'chart btc 1h with ema 20',
        'buy 0.001 btc',
        'y',
        'buy 0.002 btc',
        'n',
        'exit',
        '',
      ].join('\n'),
    );
    ({ code } = await run.exited);
    output = run.output();
  }, 90_000);
  afterAll(() => t?.close());

  it('exits cleanly at the end of input', () => {
    expect(code, output).toBe(0);
  });

  it('answers the price', () => {
    expect(output).toMatch(/ETH\/USDT [\d,]+\.\d+ USDT/);
  });

  it('saves the chart as a PNG file that exists and decodes', async () => {
    const path = /Chart saved: (\S+\.png)/.exec(output)?.[1];
    expect(path, output).toBeDefined();
    expect(existsSync(path!)).toBe(true);
    expect((await decodePng(await readFile(path!))).width).toBeGreaterThan(300);
  });

  it('confirms with "y" and the paper order fills; declines with "n"', async () => {
    expect(output).toMatch(/Confirm\? \[y\/n\] Confirmed \(paper\)/);
    expect(output).toMatch(
      /Filled: \S+ Buy 0\.001 BTC @ [\d,.]+ · FILLED|Filled \S+: Bought 0\.001 BTC at [\d,.]+ USDT/,
    );
    expect(output).toMatch(/Cancelled, nothing was traded: \S+ Buy 0\.002 BTC · CANCELLED/);
    const orders = await t.app.db.order.findMany({
      orderBy: { createdAt: 'asc' },
      select: { status: true, amount: true },
    });
    expect(orders.map((o) => [o.status, o.amount.toString()])).toEqual([
      ['FILLED', '0.001'],
      ['CANCELLED', '0.002'],
    ]);
  });
});
