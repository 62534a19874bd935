/**
 * What a user and an operator see of the engine's work, with real data in the store: the engine runs
 * over 48 h of sim candles (two pairs) into Postgres; then `/signals` (the chat card, through the
 * agent's command path and the real SignalsPort over the store) shows the latest signals with their
 * status and outcome in R and the paper track record, and /metrics counts what the store holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, createAgentHarness, textOf } from '../../core/agent/testing/harness.ts';
import { createLogger } from '../../core/logger.ts';
import { SimMarketData } from '../../core/market/sim/sim-market.ts';
import { metrics } from '../../core/metrics.ts';
import { signalsPort } from '../../core/signals/agent-port.ts';
import { paramsForPair } from '../../core/signals/params.ts';
import { listSignals, performance } from '../../core/signals/store.ts';
import { SignalEngine } from './engine.ts';

const TF = 300_000;
const PAIRS = ['ETH/USDT', 'BTC/USDT'];
const NOW = Date.UTC(2026, 10, 20, 12, 0, 1);

describe('/signals and /metrics over the engine’s own output', () => {
  let t: AgentHarness;
  let candles = 0;
  beforeAll(async () => {
    t = await createAgentHarness('signals-card');
    (t.services as { signals?: unknown }).signals = signalsPort(t.h.app.db);
    const engine = new SignalEngine({
      db: t.h.app.db,
      redis: t.h.app.redis,
      keys: t.h.app.keys,
      logger: createLogger({ level: 'silent' }),
      market: new SimMarketData({ seed: 42, clock: () => NOW }),
      clock: () => NOW,
      pairs: PAIRS,
      params: PAIRS.map((p) => paramsForPair({}, p, { priceDecimals: 2 })),
      modes: ['paper'],
      backfillMs: 48 * 3_600_000,
      streamMaxLen: 100_000,
    });
    for (;;) {
      const r = await engine.pass();
      candles += r.candles;
      if (!r.more) break;
    }
  });
  afterAll(() => t?.close());

  it('the card lists the five latest signals with status and outcome, and the track record', async () => {
    const { db } = t.h.app;
    const latest = (await listSignals(db, { mode: 'paper', limit: 5 })).items;
    const record = (await performance(db, { mode: 'paper' })).overall;
    expect(latest).toHaveLength(5);
    expect(record.closed).toBeGreaterThan(5);

    const card = textOf(await t.command('alice', 'signals', ''));
    const lines = card.split('\n');
    expect(lines[0]).toBe('**Latest signals**');
    // One line per signal, newest first: pair, side, entry, stop, target, confidence, outcome.
    expect(lines.slice(1, 6)).toHaveLength(5);
    latest.forEach((s, i) => {
      const line = lines[1 + i]!;
      expect(line).toContain(`**${s.pair}** ${s.side} @ `);
      expect(line).toContain(`${Math.round(s.confidence * 100)}%`);
      if (s.exit) {
        // e.g. "stop −1.00 R": the outcome in R of the stored exit.
        const r = `${s.exit.r >= 0 ? '+' : '−'}${Math.abs(s.exit.r).toFixed(2)} R`;
        expect(line).toMatch(new RegExp(`${s.status} \\${r.slice(0, 1)}${r.slice(1).replace('.', '\\.')}$`));
      } else expect(line).toMatch(/ · open$/);
    });
    // The track record line carries the store's statistics.
    const track = lines.find((l) => l.startsWith('Track record'))!;
    expect(track).toContain(`(paper, ${record.closed} closed)`);
    expect(track).toContain(`win rate ${(record.winRate! * 100).toFixed(1)}%`);
    expect(track).toContain(`profit factor ${record.profitFactor!.toFixed(2)}`);
    expect(track).toContain(`expectancy ${record.expectancyR!.toFixed(2)} R`);
    expect(track).toContain(`max drawdown ${record.maxDrawdownPct!.toFixed(1)}%`);
  });

  it('/signals eth (a bare base asset) shows only ETH/USDT, with that pair’s track record', async () => {
    const { db } = t.h.app;
    const eth = (await performance(db, { mode: 'paper', pair: 'ETH/USDT' })).byPair['ETH/USDT']!;
    const card = textOf(await t.command('alice', 'signals', 'eth'));
    const lines = card.split('\n').slice(1, -1);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain('**ETH/USDT**');
    expect(card).toContain(`(paper, ${eth.closed} closed)`);
  });

  it('/metrics counts the candles, signals by pair and side, outcomes, back-fill and lag', async () => {
    const text = await metrics.metrics();
    const value = (series: string) => {
      const m = new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    };
    const { db } = t.h.app;
    expect(candles).toBe(2 * ((48 * 3_600_000) / TF));
    for (const pair of PAIRS) {
      expect(value(`cryptopulse_signal_candles_total{pair="${pair}"}`)).toBe(candles / 2);
      // All but the last two candles closed more than 10 minutes before NOW: back-filled.
      expect(value(`cryptopulse_signal_backfilled_candles_total{pair="${pair}"}`)).toBe(candles / 2 - 2);
      for (const side of ['long', 'short'] as const)
        expect(value(`cryptopulse_signals_total{pair="${pair}",side="${side}"}`)).toBe(
          await db.signal.count({ where: { pair, side } }),
        );
      for (const outcome of ['target', 'stop', 'expired'] as const)
        expect(value(`cryptopulse_signal_outcomes_total{pair="${pair}",outcome="${outcome}"}`)).toBe(
          await db.signal.count({ where: { pair, status: outcome } }),
        );
    }
    expect(value('cryptopulse_signal_engine_lag_seconds')).toBe(0);
  });
});
