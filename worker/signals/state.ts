/**
 * The engine's persisted state: the strategy snapshot per pair (its cursor is the pair's last candle
 * time inside it), the shared track record, and the last hour an equity point was written. Saved in
 * the transaction of the candles it reflects.
 */
import type { DbTx } from '../../core/signals/store.ts';
import { type BarReactionEngine, S } from '../../core/signals/strategy.ts';

export interface PersistedState {
  readonly v: 1;
  readonly track: number[];
  readonly pairs: Record<string, number[]>;
  /** Close time (ms) of the last hourly equity point. */
  readonly lastHour: number | null;
}

export function stateKey(strategy: string, exchange: string): string {
  return `engine:${strategy}:${exchange}`;
}

export async function loadState(db: DbTx, key: string): Promise<PersistedState | null> {
  const row = await db.signalEngineState.findUnique({ where: { key } });
  return row ? (row.state as unknown as PersistedState) : null;
}

export async function saveState(db: DbTx, key: string, state: PersistedState): Promise<void> {
  const json = state as unknown as object;
  await db.signalEngineState.upsert({
    where: { key },
    create: { key, state: json },
    update: { state: json },
  });
}

export function captureState(
  engine: BarReactionEngine,
  pairs: readonly string[],
  lastHour: number | null,
): PersistedState {
  return {
    v: 1,
    track: Array.from(engine.track),
    pairs: Object.fromEntries(pairs.map((p, i) => [p, Array.from(engine.states[i]!)])),
    lastHour,
  };
}

/** Restores what fits (a pair whose ATR period changed starts afresh); returns the pairs restored. */
export function applyState(
  engine: BarReactionEngine,
  pairs: readonly string[],
  state: PersistedState,
): string[] {
  if (state.v !== 1 || state.track.length !== engine.track.length) return [];
  engine.track.set(state.track);
  const restored: string[] = [];
  pairs.forEach((pair, i) => {
    const saved = state.pairs[pair];
    if (saved && saved.length === engine.states[i]!.length) {
      engine.states[i]!.set(saved);
      restored.push(pair);
    }
  });
  return restored;
}

/** Open time of the pair's last processed candle, or undefined before its first. */
export function cursorOf(engine: BarReactionEngine, i: number): number | undefined {
  const s = engine.states[i]!;
  return s[S.COUNT]! > 0 ? s[S.LAST_T]! : undefined;
}
