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
import type { Document } from '../../core/document.js';
import type { StepDefinition, Step, CoordinatorStep, CoordinatorContext } from '../../core/step.js';
import { zodOptions } from '../../core/options.js';
import { MinHasher, DEFAULT_MINHASH_CONFIG } from './minhash/signature.js';
import { annotateKeys, createKeepFirstCoordinator, type KeepFirstSpec } from './keepFirst/keepFirstStep.js';

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
   * Disk-backed index: MiB for its in-memory key table (32 bytes per key); the rest of the index
   * goes to sorted run files under the run's state/ directory. Leave unset for the all-in-memory
   * index (null, the default: faster, ~280 bytes per kept document); set it when the run has
   * more than ~10M documents or the machine is short of memory (measured at 10M documents: index
   * 2.1 GB in memory, 240 MB with memoryMb 64, peak RSS 2.4 GB vs 405 MB).
   */
  memoryMb: z.number().min(0.01).max(1_048_576).nullable().default(null),
});
export type MinhashDedupOptions = z.output<typeof Options>;

export const MINHASH_METADATA_KEY = '_minhash';

function spec(options: MinhashDedupOptions): KeepFirstSpec {
  const hasher = new MinHasher(options);
  return {
    name: 'minhash_dedup',
    reason: 'minhash_dedup:near_duplicate',
    metadataKey: MINHASH_METADATA_KEY,
    numKeys: options.buckets,
    computeKeys: (doc: Document) => hasher.keysOf(doc.text),
    // Fewer words than one shingle: no signature, never removed here (exact dedup still applies).
    unkeyedCounter: 'too_short',
    compactIndex: true,
    memoryMb: options.memoryMb ?? undefined,
  };
}

export function createMinhashSignatureStep(options: MinhashDedupOptions): Step {
  const s = spec(options);
  return { name: 'minhash_dedup', kind: 'annotate', run: (batch) => annotateKeys(s, batch) };
}

export function createMinhashCoordinator(options: MinhashDedupOptions, context?: CoordinatorContext): CoordinatorStep {
  return createKeepFirstCoordinator(spec(options), context);
}

export const minhashDedupStep: StepDefinition<MinhashDedupOptions> = {
  name: 'minhash_dedup',
  description: 'Near-duplicate removal across the run: MinHash LSH (5-gram words, 14x8), keeps the first of each cluster',
  parseOptions: zodOptions('minhash_dedup', Options),
  worker: createMinhashSignatureStep,
  coordinator: createMinhashCoordinator,
};
