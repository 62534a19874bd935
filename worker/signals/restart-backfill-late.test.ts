/**
 * A restart after a pause: the engine resumes from its saved cursor, back-fills the missed candles in
 * order, and marks `late` exactly the signals whose candle closed more than 10 minutes (market clock)
 * before it processed them; a signal from a candle that just closed is fresh. The market clock here is
 * the sim's, stepped by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { SimMarketData } from '../../core/market/sim/sim-market.ts';
import { paramsForPair } from '../../core/signals/params.ts';
import { toSignal } from '../../core/signals/store.ts';
import { readEntries, streamKey } from '../../core/signals/streams.ts';
import { LATE_AFTER_MS } from '../../core/signals/types.ts';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { SignalEngine } from './engine.ts';

const TF = 300_000;
const T0 = Date.UTC(2026, 2, 10, 12, 0, 1); // one second after a close

describe('restart after a pause', () => {
  let t: TestContext;
  let now = T0;
  const sim = new SimMarketData({ seed: 42, clock: () => now });
  const engine = () =>
    new SignalEngine({
      db: t.db,
      redis: t.redis,
      keys: t.keys,
      logger: createLogger({ level: 'warn' }),
      market: sim,
      clock: () => now,
      pairs: ['ETH/USDT', 'BTC/USDT'],
      params: ['ETH/USDT', 'BTC/USDT'].map((p) => paramsForPair({}, p, { priceDecimals: 2 })),
      modes: ['paper'],
      backfillMs: 12 * 3_600_000,
      streamMaxLen: 100_000,
      pageSize: 50,
    });
  const drain = async (e: SignalEngine) => {
    let candles = 0;
    for (;;) {
      const r = await e.pass();
      candles += r.candles;
      if (!r.more) return candles;
    }
  };
  const lateRule = async () => {
    // Each stored signal: late ⇔ processed more than 10 min after its close. `processedAt` is the clock
    // of the pass that produced it, recorded by the test below.
    return (await t.db.signal.findMany({ orderBy: { time: 'asc' } })).map(toSignal);
  };

  beforeAll(async () => {
    t = await createTestContext('signals-restart');
  });
  afterAll(() => t.close());

  it('back-fills in order after downtime, marks late signals, and a just-closed candle is fresh', async () => {
    // First start: 12 h of history (144 candles per pair), all processed "now" → late but the last two.
    expect(await drain(engine())).toBe(2 * 144);
    const firstRun = await lateRule();
    expect(firstRun.length).toBeGreaterThan(3);
    for (const s of firstRun) expect(s.late === true).toBe(now - Date.parse(s.time) > LATE_AFTER_MS);

    // The process stops for 3 hours (36 candles per pair), then a new engine starts from the database.
    now += 3 * 3_600_000;
    const restarted = engine();
    expect(await drain(restarted)).toBe(2 * 36);
    const afterPause = (await lateRule()).filter((s) => !firstRun.some((f) => f.id === s.id));
    for (const s of afterPause) expect(s.late === true).toBe(now - Date.parse(s.time) > LATE_AFTER_MS);
    expect(restarted.lagSeconds).toBe(0);

    // Then live, one candle at a time: the first signal from a candle that just closed is not late.
    let fresh: ReturnType<typeof toSignal> | undefined;
    for (let step = 0; step < 300 && !fresh; step++) {
      now += TF;
      const before = await t.db.signal.count();
      expect(await drain(restarted)).toBe(2);
      if ((await t.db.signal.count()) > before) fresh = (await lateRule()).at(-1);
    }
    expect(fresh).toBeDefined();
    expect(fresh!.late).toBeUndefined();

    // The stream has every candle's outcome in time order: signals by time, equity points by time.
    const signals = (await readEntries(t.redis, streamKey(t.keys, 'signals:paper'), '-', 100_000)).filter(
      (e) => e.entry.type === 'signal',
    );
    const times = signals.map((e) => Date.parse((e.entry.data as { time: string }).time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const equity = await readEntries(t.redis, streamKey(t.keys, 'pnl:equity'), '-', 100_000);
    const eqTimes = equity.map((e) => Date.parse((e.entry.data as { time: string }).time));
    expect(eqTimes).toEqual([...eqTimes].sort((a, b) => a - b));
    // One equity point per hour at least: 12 + 3 hours and the live steps.
    expect(
      equity.filter((e) => e.entry.type === 'equity' && e.entry.data.pnl === 0).length,
    ).toBeGreaterThanOrEqual(14);
  }, 240_000);
});
