/**
 * How many copies of a document a mixture takes: a pure function of (seed, document id, rate), so the
 * output is the same whatever the order or the threads that look at documents. A rate r gives floor(r)
 * copies plus one more with probability r - floor(r) (randomised rounding: the expected copies are r).
 */

/** Two independent 32-bit FNV-1a-style hashes of the id, each finished with murmur3's fmix32. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform double in [0, 1) with 53 bits from the seed and the document id. */
export function docUniform(seed: number, id: string): number {
  let a = (0x811c9dc5 ^ fmix32(seed >>> 0)) >>> 0;
  let b = (0x2545f491 ^ fmix32((seed / 2 ** 32) >>> 0 ^ 0x9e3779b9)) >>> 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = fmix32(a ^ id.length);
  b = fmix32(b ^ a);
  return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
}

/** Copies of a document at `rate` (expected copies): floor(rate), plus one with probability frac(rate). */
export function copiesOf(seed: number, id: string, rate: number): number {
  if (rate <= 0) return 0;
  const whole = Math.floor(rate);
  const frac = rate - whole;
  return frac > 0 && docUniform(seed, id) < frac ? whole + 1 : whole;
}
