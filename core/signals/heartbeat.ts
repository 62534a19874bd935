/**
 * The signal engine's heartbeat in Redis, so that /ready of ANY api process (not only one that runs
 * the `signals` role itself) fails while the engine lags behind the last closed candle or has stopped
 * answering. The working engine writes it after every pass; readers extrapolate the market clock from
 * the beat (`speed` market ms per wall ms), so an engine that died — and beats no more — is seen
 * falling behind as candles keep closing without it.
 *
 *   writeHeartbeat(redis, keys, beat)    the engine, every pass
 *   clearHeartbeat(redis, keys, owner)   its graceful stop (only its own beat): "not running", not "lagging"
 *   engineLag(beat, wallNow)             seconds behind the last closed candle, now (∞ before catching up)
 *   readinessProbe(redis, keys, max)     the /ready check: throws the reason when not ready
 */
import { z } from 'zod';
import type { Redis, RedisKeys } from '../redis.ts';

const TF = 300_000;

export const heartbeatSchema = z.object({
  /** Close time (market ms) of the newest candle the engine processed; null before the first. */
  lastClose: z.number().nullable(),
  /** The market clock when the beat was written… */
  marketNow: z.number(),
  /** …and the wall clock then. */
  at: z.number(),
  /** Market ms per wall ms (SIM_SPEED on sim, 1 on an exchange). */
  speed: z.number().positive(),
  /** Candles the engine has processed, all pairs, since its first start (the dashboard shows it). */
  candles: z.number().int().nonnegative(),
  /** Which process wrote it. */
  owner: z.string(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

const heartbeatKey = (keys: RedisKeys) => keys.key('signals', 'engine', 'heartbeat');

export async function writeHeartbeat(redis: Redis, keys: RedisKeys, beat: Heartbeat): Promise<void> {
  await redis.set(heartbeatKey(keys), JSON.stringify(beat));
}

const CLEAR_OWN = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export async function clearHeartbeat(redis: Redis, keys: RedisKeys, owner: string): Promise<void> {
  await redis.eval(CLEAR_OWN, 1, heartbeatKey(keys), owner);
}

export async function readHeartbeat(redis: Redis, keys: RedisKeys): Promise<Heartbeat | null> {
  const raw = await redis.get(heartbeatKey(keys));
  if (!raw) return null;
  const parsed = heartbeatSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/** A failed check with figures (the lag, the candles so far) that /ready shows next to the reason. */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly detail: Record<string, number | string | null> = {},
  ) {
    super(message);
  }
}

/** Seconds (market clock) the engine is behind the last closed candle at wall time `wallNow`. */
export function engineLag(beat: Heartbeat, wallNow: number): number {
  if (beat.lastClose === null) return Number.POSITIVE_INFINITY;
  const marketNow = beat.marketNow + Math.max(0, wallNow - beat.at) * beat.speed;
  const lastClosed = Math.floor(marketNow / TF) * TF;
  return Math.max(0, lastClosed - beat.lastClose) / 1000;
}

/**
 * The /ready check: resolves with the lag when the engine keeps up (or has never run / was stopped on
 * purpose: nothing to wait for), throws a sentence saying why when it lags.
 */
export async function readinessProbe(
  redis: Redis,
  keys: RedisKeys,
  maxLagSeconds: number,
  wallNow = Date.now(),
): Promise<{ detail: Record<string, number | string | null> }> {
  const beat = await readHeartbeat(redis, keys);
  if (!beat) return { detail: { engine: 'not running' } };
  const lag = engineLag(beat, wallNow);
  if (!Number.isFinite(lag)) throw new Error('the signal engine has not processed a candle yet');
  const detail = { lagSeconds: Math.round(lag), candles: beat.candles };
  if (lag > maxLagSeconds)
    throw new NotReadyError(
      `the signal engine is ${Math.round(lag)} s behind the last closed candle (bound ${maxLagSeconds} s)`,
      detail,
    );
  return { detail };
}
