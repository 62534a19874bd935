/**
 * Live equals backtest: the `signals` role over a sim history produces exactly the signals that
 * `cryptopulse backtest --json` produces over the same candles exported to a file (the `late` mark
 * aside, which only the live engine can know).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktestCommand } from '../../cli/backtest.ts';
import { loadConfig } from '../../core/config.ts';
import { type AppContext, createAppContext } from '../../core/context.ts';
import { createLogger } from '../../core/logger.ts';
import { SimMarketData } from '../../core/market/sim/sim-market.ts';
import { toSignal } from '../../core/signals/store.ts';
import { readEntries, streamKey } from '../../core/signals/streams.ts';
import type { Signal } from '../../core/signals/types.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { startSignalsRole } from './role.ts';

const TF = 300_000;
const withoutLate = ({ late: _late, ...s }: Signal) => s;

describe('live equals backtest', () => {
  let t: TestContext;
  let ctx: AppContext;
  let dir: string;
  beforeAll(async () => {
    t = await createTestContext('signals-live-bt');
    dir = await mkdtemp(join(tmpdir(), 'cp-live-bt-'));
    const config = loadConfig({
      ...t.env,
      EXCHANGE: 'sim',
      SIM_SPEED: '1',
      SIGNAL_PAIRS: 'ETH/USDT',
      SIGNAL_BACKFILL_HOURS: '48',
    });
    ctx = createAppContext(config, createLogger({ level: 'warn' }));
  });
  afterAll(async () => {
    await ctx.close();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the role over 48 h of sim candles and backtest --json over their export agree signal for signal', async () => {
    const role = await startSignalsRole(ctx, undefined, { pageSize: 1000 });
    let state: { pairs: Record<string, number[]> } | undefined;
    for (;;) {
      const row = await t.db.signalEngineState.findUnique({ where: { key: 'engine:bar_reaction_5m:sim' } });
      state = row?.state as typeof state;
      const last = state?.pairs['ETH/USDT']?.[3];
      if (last !== undefined && last >= Math.floor(Date.now() / TF) * TF - 2 * TF) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await role.stop();
    const s = (await t.db.signalEngineState.findUnique({ where: { key: 'engine:bar_reaction_5m:sim' } }))!
      .state as { pairs: Record<string, number[]> };
    const [count, , , lastT] = s.pairs['ETH/USDT']!;
    const first = lastT! - (count! - 1) * TF; // sim candles have no gaps

    // Export exactly the candles the role processed.
    const sim = new SimMarketData({ seed: ctx.config.SIM_SEED });
    const lines: string[] = [];
    for (let since = first; since <= lastT!; ) {
      const page = await sim.candles('ETH/USDT', '5m', { since, limit: 1000 });
      for (const c of page) if (c.t <= lastT!) lines.push(`${c.t},${c.o},${c.h},${c.l},${c.c},${c.v}`);
      since = page[page.length - 1]!.t + TF;
    }
    expect(lines).toHaveLength(count!);
    const file = join(dir, 'eth.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    let out = '';
    const code = await runBacktestCommand(
      ['--file', file, '--pair', 'ETH/USDT', '--json', '--exchange', 'sim'],
      {
        out: (x) => {
          out += x;
        },
        err: () => {},
      },
    );
    expect(code).toBe(0);
    const backtest = (JSON.parse(out) as { signals: Signal[] }).signals;
    expect(backtest.length).toBeGreaterThan(20);

    const rows = await t.db.signal.findMany({
      where: { mode: 'paper' },
      orderBy: [{ time: 'asc' }, { id: 'asc' }],
    });
    expect(rows.map((r) => withoutLate(toSignal(r)))).toEqual(backtest);

    // The stream says the same: each signal as opened, then as it closed.
    const entries = await readEntries(t.redis, streamKey(t.keys, 'signals:paper'), '-', 100_000);
    const latest = new Map<string, Signal>();
    for (const { entry } of entries) if (entry.type !== 'equity') latest.set(entry.data.id, entry.data);
    expect([...latest.values()].map(withoutLate)).toEqual(backtest);
  }, 400_000);
});
