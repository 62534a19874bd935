/**
 * The response-window rule over Redis, for every process that sends as one bot: Discord's global limit
 * (bots/discord/redis-gate.ts) and Telegram's per-bot, per-chat and per-group limits
 * (bots/telegram/redis-budget.ts) take their slots here.
 *
 * A platform counts a request when it ARRIVES, which the sender cannot see; it does know that the
 * request arrived before its answer came back. So a slot is held from send until the answer and for the
 * window after it: the (limit+1)th request leaves only a window after the first one's answer, hence
 * arrives more than a window after the first arrived, whatever the network delays. The slots are Redis
 * sorted sets scored on Redis' clock, so processes with skewed clocks agree; a slot whose answer never
 * comes (its process died) is held for `leaseMs` at most.
 *
 * A window may also space its slots `spacingMs` apart (GCRA: a slot may be taken up to `burstMs` early,
 * so a caller that comes late catches up), so that a window does not open in one burst whose answers
 * then queue (bots/discord/redis-gate.ts says what that cost). A call takes its slots in all its windows
 * at once or in none, so it never holds one window while it waits on another.
 */
import type { Redis } from './redis.ts';

/** Called when the call's answer arrived. */
export type Release = () => void;

export interface ResponseWindow {
  /** The window's sorted set; its spaced schedule, if any, is kept under `${key}:next`. */
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly spacingMs?: number;
  readonly burstMs?: number;
}

/**
 * KEYS: each window's slots and schedule. ARGV: lease, member, poll, then each window's limit, length,
 * spacing and burst. Answers 0 when every window had room (the slot is taken in all), else how long to
 * wait: until the schedule allows, until the slot that frees a place has aged a window after its
 * answer, or `poll` when that slot is still in flight.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease, member, poll = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local n = #KEYS / 2
local wait = 0
local due = {}
for i = 1, n do
  local slots, schedule = KEYS[2 * i - 1], KEYS[2 * i]
  local at = 4 * i
  local limit, window = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  local spacing, burst = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  due[i] = 0
  if spacing > 0 then
    due[i] = tonumber(redis.call('GET', schedule) or '0')
    if due[i] - now > burst then wait = math.max(wait, due[i] - now - burst) end
  end
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now - window)
  local held = redis.call('ZCARD', slots)
  if held >= limit then
    local frees = redis.call('ZRANGE', slots, held - limit, held - limit, 'WITHSCORES')
    local answered = tonumber(frees[2])
    if answered > now then wait = math.max(wait, poll) else wait = math.max(wait, answered + window - now, 1) end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  local at = 4 * i
  local window, spacing = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  redis.call('ZADD', KEYS[2 * i - 1], now + lease, member)
  redis.call('PEXPIRE', KEYS[2 * i - 1], lease + window)
  if spacing > 0 then redis.call('SET', KEYS[2 * i], math.max(due[i], now) + spacing, 'PX', window) end
end
return 0
`;

/** The answer arrived: the slot ages from now in every window it holds. */
const ANSWERED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now, ARGV[1]) end
return 1
`;

export interface TakeOptions {
  /** Unique per call: the slot's member in every window. */
  readonly member: string;
  readonly leaseMs: number;
  /** The wait answered while the slot that frees a place is in flight elsewhere. */
  readonly pollMs: number;
}

/** 0: the call holds a slot in every window now; otherwise the ms to wait before asking again. */
export async function takeSlots(
  redis: Redis,
  windows: readonly ResponseWindow[],
  o: TakeOptions,
): Promise<number> {
  const keys = windows.flatMap((w) => [w.key, `${w.key}:next`]);
  const args = windows.flatMap((w) => [w.limit, w.windowMs, w.spacingMs ?? 0, w.burstMs ?? 0]);
  return Number(await redis.eval(TAKE, keys.length, ...keys, o.leaseMs, o.member, o.pollMs, ...args));
}

export class SlotsTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer for a rate-limit slot within ${ms} ms`);
    this.name = 'SlotsTimeoutError';
  }
}

/**
 * `takeSlots`, given up after `ms` (SlotsTimeoutError): the shared connection queues commands through
 * an outage rather than fail them, and a sender would rather pace alone than stop talking.
 */
export function takeSlotsWithin(
  redis: Redis,
  windows: readonly ResponseWindow[],
  o: TakeOptions,
  ms: number,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SlotsTimeoutError(ms)), ms);
  });
  return Promise.race([takeSlots(redis, windows, o), timeout]).finally(() => clearTimeout(timer));
}

/** The call's answer came back: its slots age from now. A lost call only keeps them until their lease. */
export async function answered(
  redis: Redis,
  windows: readonly ResponseWindow[],
  member: string,
): Promise<void> {
  await redis.eval(ANSWERED, windows.length, ...windows.map((w) => w.key), member);
}
