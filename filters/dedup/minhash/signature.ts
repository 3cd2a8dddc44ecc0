/**
 * MinHash signatures and LSH band keys, following datatrove's MinhashDedupSignature defaults:
 * word 5-gram shingles over simplified text, 14 bands ("buckets") x 8 hashes, 32-bit hash values.
 *
 * Differences from datatrove, by design: shingles are hashed with a Murmur-style mix of per-word
 * hashes instead of SHA-1 of the joined words (same role, without building a string or calling
 * crypto per shingle), and the 112
 * permutations are xor-multiply-xorshift bijections of 32-bit values (Math.imul) instead of
 * `(a*x + b) mod (2^61 - 1)` (which needs 64-bit products). Each band's 8 minimums are then
 * folded into one 64-bit key, which is all the coordinator needs to store.
 */
import { fmix32, mixWord, seededWords } from '../hash.js';
import { simplifiedWordHashes } from './simplify.js';

export { simplifyText } from './simplify.js';

export interface MinhashConfig {
  /** Words per shingle (datatrove `n_grams`). */
  nGrams: number;
  /** LSH bands (datatrove `num_buckets`). */
  buckets: number;
  /** Hashes per band (datatrove `hashes_per_bucket`). */
  hashesPerBucket: number;
  /** Seed of the permutation parameters; every worker must use the same one. */
  seed: number;
}

export const DEFAULT_MINHASH_CONFIG: Readonly<MinhashConfig> = { nGrams: 5, buckets: 14, hashesPerBucket: 8, seed: 1 };

/** Precomputed permutation parameters and scratch buffers for one configuration. */
export class MinHasher {
  readonly config: Readonly<MinhashConfig>;
  readonly numHashes: number;
  private readonly xorSeeds: Uint32Array;
  private readonly multipliers: Uint32Array;
  private readonly mins: Uint32Array;
  private wordBuf = new Uint32Array(4096);
  private shingleBuf = new Int32Array(1024);

  constructor(config: Readonly<MinhashConfig> = DEFAULT_MINHASH_CONFIG) {
    this.config = config;
    this.numHashes = config.buckets * config.hashesPerBucket;
    this.xorSeeds = seededWords(config.seed, this.numHashes);
    this.multipliers = seededWords(config.seed ^ 0x5bd1e995, this.numHashes);
    for (let k = 0; k < this.numHashes; k++) this.multipliers[k]! |= 1; // odd => multiplication is a bijection
    this.mins = new Uint32Array(this.numHashes);
  }

  /**
   * The MinHash signature (numHashes 32-bit minimums) of a text, or undefined when the text has
   * fewer words than one shingle (datatrove writes no signature for those either). The returned
   * array is a scratch buffer reused by the next call.
   */
  signature(text: string): Uint32Array | undefined {
    if (text.length > this.wordBuf.length * 2) this.wordBuf = new Uint32Array((text.length >> 1) + 1);
    const words = simplifiedWordHashes(text, this.wordBuf);
    const n = this.config.nGrams;
    const shingles = words.length - n + 1;
    if (shingles <= 0) return undefined;
    const mins = this.mins;
    const xs = this.xorSeeds;
    const ms = this.multipliers;
    const H = this.numHashes;
    if (this.shingleBuf.length < shingles) this.shingleBuf = new Int32Array(Math.max(shingles, this.shingleBuf.length * 2));
    const sh = this.shingleBuf;
    for (let s = 0; s < shingles; s++) {
      let h = 0x2545f491;
      for (let j = 0; j < n; j++) h = mixWord(h, words[s + j]!);
      sh[s] = fmix32(h ^ n);
    }
    // shingles x 112 permutations: the hot path of the whole dedup. One permutation at a time over
    // all shingles keeps its parameters and running minimum in registers; the minimum is kept as
    // v ^ 0x80000000 in int32, whose signed order is v's unsigned order.
    for (let k = 0; k < H; k++) {
      const xk = xs[k]!;
      const mk = ms[k]!;
      let min = 0x7fffffff;
      for (let s = 0; s < shingles; s++) {
        let v = Math.imul(sh[s]! ^ xk, mk);
        v ^= v >>> 15;
        v = Math.imul(v, 0x2c1b3c6d);
        v = (v ^ (v >>> 13)) ^ 0x80000000;
        if (v < min) min = v;
      }
      mins[k] = min ^ 0x80000000;
    }
    return mins;
  }

  /**
   * LSH band keys: for each band, its hashesPerBucket minimums folded into a 64-bit key
   * (two 32-bit lanes), written to out[2*b] (hi) and out[2*b+1] (lo). Two documents collide
   * in a band exactly when (up to a 2^-64 chance) all of that band's minimums are equal.
   */
  bandKeys(signature: Uint32Array, out = new Uint32Array(this.config.buckets * 2)): Uint32Array {
    const r = this.config.hashesPerBucket;
    for (let b = 0; b < this.config.buckets; b++) {
      let h1 = b + 0x1234567;
      let h2 = Math.imul(b + 1, 0x9e3779b1);
      for (let j = 0; j < r; j++) {
        const v = signature[b * r + j]!;
        h1 = mixWord(h1, v);
        h2 = mixWord(h2, v ^ 0x85ebca6b);
      }
      out[2 * b] = fmix32(h1 ^ r);
      out[2 * b + 1] = fmix32(h2 ^ 0x3c6ef372);
    }
    return out;
  }

  /** Band keys of a text (a fresh array), or undefined when the text is too short to shingle. */
  keysOf(text: string): Uint32Array | undefined {
    const sig = this.signature(text);
    return sig ? this.bandKeys(sig) : undefined;
  }
}

/** Estimated Jaccard similarity of two signatures: the fraction of equal minimums. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

/** Probability that LSH with b bands of r rows makes a pair of Jaccard similarity s a candidate. */
export function lshCandidateProbability(s: number, buckets: number, hashesPerBucket: number): number {
  return 1 - Math.pow(1 - Math.pow(s, hashesPerBucket), buckets);
}
