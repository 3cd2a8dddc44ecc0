/**
 * 32-bit integer hashing for the dedup hot paths. Everything here works on JS numbers with
 * Math.imul so nothing allocates and no BigInt is involved; 64-bit keys are two independent
 * 32-bit lanes (hi, lo) written into a caller-owned Uint32Array.
 */

/** MurmurHash3's 32-bit finaliser: a bijection with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One MurmurHash3 body round: folds the 32-bit word `k` into the running hash `h`. */
export function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * 64-bit hash of a string's UTF-16 code units as two 32-bit Murmur-style lanes with different
 * seeds, written to out[offset] (hi) and out[offset + 1] (lo). Used for exact-text and URL keys,
 * where a 64-bit key keeps the chance of any false match across 10M documents below 1e-5.
 */
export function hashString64(s: string, out: Uint32Array, offset = 0): void {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x5bd1e995 | 0;
  const n = s.length;
  let i = 0;
  // Two code units per round: half the rounds of a per-unit loop.
  for (; i + 1 < n; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h1 = mixWord(h1, k);
    h2 = mixWord(h2, k ^ 0x27d4eb2f);
  }
  if (i < n) {
    const k = s.charCodeAt(i);
    h1 = mixWord(h1, k);
    h2 = mixWord(h2, k ^ 0x27d4eb2f);
  }
  out[offset] = fmix32(h1 ^ n);
  out[offset + 1] = fmix32(h2 ^ Math.imul(n, 0x9e3779b1));
}

/**
 * Deterministic pseudo-random 32-bit words (SplitMix32-style) for hash-function parameters,
 * so every worker and every run derives the same permutations from the same seed.
 */
export function seededWords(seed: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    out[i] = fmix32(state ^ Math.imul(i + 1, 0x632be5ab));
  }
  return out;
}
