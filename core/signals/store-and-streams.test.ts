/** The store and the streams other roles read: filters, keyset pages, stats, and the exactly-once relay. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { getSignal, listEquity, listSignals, performance } from './store.ts';
import { readEntries, relayOutbox, streamKey } from './streams.ts';
import { closedSignal, sampleSignal, seedSignals } from './testing/fixtures.ts';
import type { Signal } from './types.ts';

const T0 = Date.UTC(2026, 0, 12);
const H = 3_600_000;

describe('signal store and streams', () => {
  let t: TestContext;
  let signals: Signal[];
  beforeAll(async () => {
    t = await createTestContext('signal-store');
    const btc = (i: number) => sampleSignal({ candleTime: T0 + i * 2 * H });
    const eth = (i: number) =>
      sampleSignal({
        pair: 'ETH/USDT',
        side: 'short',
        candleTime: T0 + i * 2 * H + 300_000,
        entry: 3000,
        stopLoss: 3010,
        takeProfit1: 2990,
        takeProfit: 2982,
      });
    signals = [
      closedSignal(btc(0), 'target', 18049.22, 30), // +30
      closedSignal(eth(0), 'stop', 3010, -10), // −10
      closedSignal(btc(1), 'stop', 17909.19, -10), // −10
      closedSignal(eth(1), 'target', 2982, 20), // +20
      btc(2), // open
    ];
    await seedSignals(t.db, t.redis, t.keys, signals);
  });
  afterAll(() => t.close());

  it('lists newest first and pages by (time, id) without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listSignals(t.db, { mode: 'paper', limit: 2, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = [...signals].sort((a, b) => b.candleTime - a.candleTime).map((s) => s.id);
    expect(seen).toEqual(expected);
  });

  it('filters by pair, side, status and time range', async () => {
    const eth = await listSignals(t.db, { mode: 'paper', pair: 'ETH/USDT' });
    expect(eth.items.map((s) => s.pair)).toEqual(['ETH/USDT', 'ETH/USDT']);
    expect((await listSignals(t.db, { mode: 'paper', side: 'short' })).items).toHaveLength(2);
    expect((await listSignals(t.db, { mode: 'paper', status: 'open' })).items).toHaveLength(1);
    // Signal times are candle close: T0+5m, T0+10m, T0+2h5m, T0+2h10m, T0+4h5m; this range holds two.
    const range = await listSignals(t.db, { mode: 'paper', since: T0 + H, until: T0 + 3 * H });
    expect(range.items).toHaveLength(2);
    expect((await listSignals(t.db, { mode: 'live' })).items).toHaveLength(0);
  });

  it('gets one signal with its exit, and null for an unknown id', async () => {
    const s = await getSignal(t.db, signals[0]!.id);
    expect(s).toEqual(signals[0]);
    expect(await getSignal(t.db, 'bar_reaction_5m:BTC-USDT:1')).toBeNull();
  });

  it('computes the track record overall, per pair and per side', async () => {
    const p = await performance(t.db, { mode: 'paper' });
    // Closed pnl +30 −10 −10 +20 = +30 on 10,000 → +0.3 %; profit factor 50 / 20 = 2.5.
    expect(p.overall).toMatchObject({ signals: 5, closed: 4, wins: 2, losses: 2, winRate: 0.5, netPnl: 30 });
    expect(p.overall.profitFactor).toBeCloseTo(2.5, 12);
    expect(p.overall.returnPct).toBeCloseTo(0.3, 12);
    expect(p.byPair['BTC/USDT']).toMatchObject({ signals: 3, closed: 2, netPnl: 20 });
    expect(p.bySide.short).toMatchObject({ closed: 2, netPnl: 10 });
    // Equity by exit: 10030 → 10020 → 10010 → 10030: the drawdown is 20 / 10030.
    expect(p.overall.maxDrawdownPct).toBeCloseTo((20 / 10030) * 100, 10);
    expect(p.overall.longestLosingStreak).toBe(2);
  });

  it('keeps equity points and downsamples them evenly', async () => {
    const all = await listEquity(t.db, { mode: 'paper' });
    expect(all.points.map((p) => p.equity)).toEqual([10030, 10020, 10010, 10030]);
    const two = await listEquity(t.db, { mode: 'paper', points: 2 });
    expect(two.points.map((p) => p.equity)).toEqual([10030, 10030]);
  });

  it('has every signal and lifecycle change in the stream exactly once, even when the relay re-runs', async () => {
    // A relay that died after XADD but before marking the rows published: every row is pending again.
    await t.db.signalOutbox.updateMany({ data: { publishedAt: null } });
    expect(await relayOutbox(t.db, t.redis, t.keys)).toBeGreaterThan(0);
    const entries = await readEntries(t.redis, streamKey(t.keys, 'signals:paper'));
    expect(entries.filter((e) => e.entry.type === 'signal')).toHaveLength(5);
    const lifecycle = entries.filter((e) => e.entry.type === 'lifecycle');
    expect(lifecycle.map((e) => e.entry.data)).toEqual(signals.filter((s) => s.exit));
    const equity = await readEntries(t.redis, streamKey(t.keys, 'pnl:equity'));
    expect(equity).toHaveLength(4);
    expect(streamKey(t.keys, 'signals:paper')).toBe(`${t.prefix}:signals:paper`);
  });

  it('rejects a cursor it did not make, naming the parameter', async () => {
    await expect(listSignals(t.db, { mode: 'paper', cursor: 'bogus' })).rejects.toThrow(/cursor/);
  });
});
