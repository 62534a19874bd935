/** Redis stream ids (`<ms>-<seq>`): what SSE sends as `id:` and what clients send back to resume. */

export const STREAM_ID_PATTERN = /^\d{1,15}-\d{1,15}$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID_PATTERN.test(value);
}

function parts(id: string): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am === bm ? as - bs : am - bm;
}

/** The wall-clock time Redis gave the entry (epoch ms). */
export function streamIdTime(id: string): number {
  return parts(id)[0];
}
