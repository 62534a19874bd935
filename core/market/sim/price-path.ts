/**
 * A deterministic price path: the log price at any instant is a sum of smooth value-noise octaves
 * (10 s to 64 days) scaled like a random walk (amplitude ∝ √scale). Any process computes the same price
 * for the same seed, pair and time, in constant time, with no state: the API, the worker and a test
 * all agree on what the market did.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const SCALES_MS = [
  10_000,
  MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * 3_600_000,
  8 * 3_600_000,
  DAY,
  4 * DAY,
  16 * DAY,
  64 * DAY,
];

function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string: the per-pair seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform number in [0, 1) for (seed, stream, index). */
export function uniform(seed: number, stream: number, index: number): number {
  const hi = Math.floor(index / 4_294_967_296);
  return mix(mix(mix(seed ^ Math.imul(stream + 1, 0x9e3779b9)) ^ (index >>> 0)) ^ hi) / 4_294_967_296;
}

function valueNoise(seed: number, octave: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = uniform(seed, octave, i) * 2 - 1;
  const b = uniform(seed, octave, i + 1) * 2 - 1;
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}

export class PricePath {
  private readonly amplitudes: readonly number[];

  constructor(
    private readonly seed: number,
    private readonly centre: number,
    dailyVol: number,
  ) {
    this.amplitudes = SCALES_MS.map((s) => 0.9 * dailyVol * Math.sqrt(s / DAY));
  }

  at(t: number): number {
    let logDeviation = 0;
    for (let k = 0; k < SCALES_MS.length; k++) {
      logDeviation += this.amplitudes[k]! * valueNoise(this.seed, k, t / SCALES_MS[k]!);
    }
    return this.centre * Math.exp(logDeviation);
  }
}
