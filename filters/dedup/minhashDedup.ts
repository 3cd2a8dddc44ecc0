/**
 * Near-duplicate removal across the whole run with MinHash + LSH (datatrove defaults: word
 * 5-gram shingles, 14 bands x 8 hashes, so pairs above Jaccard ~0.72 become candidates).
 * Worker half: band keys into `metadata._minhash`. Coordinator half: keep the first document of
 * each cluster in input order; a later document sharing any band key with a kept one is dropped
 * as `minhash_dedup:near_duplicate` with `metadata.duplicate_of`.
 *
 * Unlike datatrove's union-find over all candidate pairs, a document is compared only with kept
 * documents: A~B and B~C with A !~ C keeps A and C. This is what makes a single streaming pass
 * (and exact resume) possible.
 */
import { z } from 'zod';
import { MinHasher, DEFAULT_MINHASH_CONFIG } from './minhash/signature.js';
import { defineKeepFirstStep, memoryMbOption } from './keepFirst/keepFirstStep.js';

const Options = z.object({
  /** Words per shingle. */
  nGrams: z.number().int().min(1).max(32).default(DEFAULT_MINHASH_CONFIG.nGrams),
  /** LSH bands. */
  buckets: z.number().int().min(1).max(256).default(DEFAULT_MINHASH_CONFIG.buckets),
  /** Hashes per band. */
  hashesPerBucket: z.number().int().min(1).max(64).default(DEFAULT_MINHASH_CONFIG.hashesPerBucket),
  /** Seed of the hash permutations; fixed so runs (and workers) agree. */
  seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_MINHASH_CONFIG.seed),
  /**
   * Disk-backed index (see memoryMbOption); unset, ~280 bytes per kept document in memory: set it
   * past ~10M documents or when the machine is short of memory (measured at 10M documents: index
   * 2.1 GB in memory, 240 MB with memoryMb 64, peak RSS 2.4 GB vs 405 MB).
   */
  memoryMb: memoryMbOption,
});
export type MinhashDedupOptions = z.output<typeof Options>;

export const MINHASH_METADATA_KEY = '_minhash';

export const minhashDedupStep = defineKeepFirstStep({
  name: 'minhash_dedup',
  description: 'Near-duplicate removal across the run: MinHash LSH (5-gram words, 14x8), keeps the first of each cluster',
  options: Options,
  keys: (options) => {
    const hasher = new MinHasher(options);
    return {
      duplicateRule: 'near_duplicate',
      metadataKey: MINHASH_METADATA_KEY,
      numKeys: options.buckets,
      computeKeys: (doc) => hasher.keysOf(doc.text),
      // Fewer words than one shingle: no signature, never removed here (exact dedup still applies).
      unkeyedCounter: 'too_short',
      compactIndex: true,
      memoryMb: options.memoryMb,
    };
  },
});
