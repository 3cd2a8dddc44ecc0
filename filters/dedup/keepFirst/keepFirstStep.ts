/**
 * A keep-first dedup step (exact, URL, MinHash) from its key function and options. The worker half
 * stores each document's keys (a hex string under a `_`-prefixed metadata key); the coordinator
 * half walks batches in input order, keeps the first document of each duplicate cluster and drops
 * later ones with `metadata.duplicate_of` naming the kept document. Keys the worker half did not
 * store are computed on the spot, so the coordinator alone is still correct.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Document } from '../../../core/document.js';
import type { CoordinatorContext, CoordinatorStep, StepDefinition } from '../../../core/step.js';
import { addCount, defineFilterStep, filterStep, type FilterRule, type OptionsSchema } from '../../filterStep.js';
import { KeepFirstIndex } from './keepFirstIndex.js';

/**
 * The option every keep-first step has. Disk-backed index: MiB for its in-memory key table (32
 * bytes per key); the rest of the index goes to sorted run files under the run's state/ directory.
 * Unset (null, the default): the whole index in memory, which is faster.
 */
export const memoryMbOption = z.number().min(0.01).max(1_048_576).nullable().default(null);

/** What tells one dedup step's documents apart. */
export interface KeepFirstKeys {
  /** The rule of the drop reason `<step>:<rule>`, e.g. `near_duplicate`. */
  duplicateRule: string;
  /** Metadata key the worker half writes, e.g. `_minhash`. */
  metadataKey: string;
  /** 64-bit keys per document (1 for exact/URL, the band count for MinHash). */
  numKeys: number;
  /** Keys of a document computed from scratch, or undefined when it has none (no URL, too short). */
  computeKeys(doc: Document): Uint32Array | undefined;
  /** Counter (`<step>.<counter>`) for documents without keys (kept, never indexed). */
  unkeyedCounter: string;
  /** Use the 8-byte partitioned key tables (44-bit keys) instead of exact 64-bit ones. */
  compactIndex?: boolean;
  /** The step's memoryMb option (memoryMbOption): MiB for a disk-backed index, null: all in memory. */
  memoryMb: number | null;
}

export interface KeepFirstDefinition<S extends OptionsSchema> {
  readonly name: string;
  readonly description: string;
  /** The step's options, `memoryMb: memoryMbOption` among them (see KeepFirstKeys.memoryMb). */
  readonly options: S;
  /** The key function for one run, built once per worker (and once on the coordinator). */
  readonly keys: (options: z.output<S>) => KeepFirstKeys;
}

const HEX = '0123456789abcdef';

/** Encodes keys (2 words each) as the lowercase hex string stored in metadata (16 chars per key). */
export function encodeKeys(keys: Uint32Array): string {
  const parts: string[] = new Array(keys.length * 8);
  let p = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i]!;
    for (let shift = 28; shift >= 0; shift -= 4) parts[p++] = HEX[(v >>> shift) & 15]!;
  }
  return parts.join('');
}

/** Decodes encodeKeys output into `out`; false when the value is not numKeys valid keys. */
export function decodeKeys(value: unknown, out: Uint32Array): boolean {
  if (typeof value !== 'string' || value.length !== out.length * 8) return false;
  let p = 0;
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let j = 0; j < 8; j++) {
      const c = value.charCodeAt(p++);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return false;
      v = (v << 4) | d;
    }
    out[i] = v >>> 0;
  }
  return true;
}

/** The worker half: stores each document's keys (or '' when it has none) under metadataKey. */
function keyAnnotator(keys: KeepFirstKeys): FilterRule {
  return {
    kind: 'annotate',
    decide(doc) {
      const k = keys.computeKeys(doc);
      return { ...doc, metadata: { ...doc.metadata, [keys.metadataKey]: k ? encodeKeys(k) : '' } };
    },
  };
}

function withoutKey(doc: Document, key: string, extra?: Record<string, unknown>): Document {
  if (!(key in doc.metadata) && !extra) return doc;
  const metadata = { ...doc.metadata, ...extra };
  delete metadata[key];
  return { ...doc, metadata };
}

/** The coordinator half: an index of kept keys, disk-backed when memoryMb is set (see keepFirstIndex.ts). */
function keepFirstCoordinator(name: string, keys: KeepFirstKeys, context?: CoordinatorContext): CoordinatorStep {
  const mb = keys.memoryMb;
  const disk = mb === null ? undefined : { memoryBytes: mb * 2 ** 20, dir: context?.stateDir ? join(context.stateDir, name) : undefined };
  const index = new KeepFirstIndex(keys.numKeys, { compact: keys.compactIndex ?? false, disk });
  const scratch = new Uint32Array(keys.numKeys * 2);
  const unkeyed = `${name}.${keys.unkeyedCounter}`;
  const step = filterStep(name, {
    counters: [unkeyed],
    omitZeroCounters: true,
    decide(doc, counters) {
      const stored = doc.metadata[keys.metadataKey];
      let k: Uint32Array | undefined;
      if (stored === '') k = undefined;
      else if (decodeKeys(stored, scratch)) k = scratch;
      else k = keys.computeKeys(doc);
      if (!k) {
        addCount(counters, unkeyed);
        return withoutKey(doc, keys.metadataKey);
      }
      const first = index.find(k);
      if (first < 0) {
        index.insert(doc.id, k);
        return withoutKey(doc, keys.metadataKey);
      }
      const duplicateOf = index.addDuplicate(first);
      return { doc: withoutKey(doc, keys.metadataKey, { duplicate_of: duplicateOf }), reason: keys.duplicateRule };
    },
  });
  return {
    name,
    decide: (batch) => step.run(batch),
    checkpointDelta: () => index.checkpointDelta(),
    restoreDelta: (delta) => index.restoreDelta(delta),
    // Everything reported is rebuilt by restoreDelta, so a resumed run reports the same numbers.
    report: () => {
      const disk = index.diskStats;
      return { ...index.clusterReport(), indexed: index.size, index_bytes: index.bytes, ...(disk ? { disk } : {}) };
    },
    close: () => index.close(),
  };
}

// The key function of each keep-first step definition, for the staged dedup (keepFirstKeysOf).
const keyFunctions = new WeakMap<object, (options: never) => KeepFirstKeys>();

/** The StepDefinition of a keep-first dedup step: its options and its key function. */
export function defineKeepFirstStep<S extends OptionsSchema>(def: KeepFirstDefinition<S>): StepDefinition<z.output<S>> {
  const { name, description, options, keys } = def;
  const step: StepDefinition<z.output<S>> = {
    ...defineFilterStep({ name, description, options, rule: (o: z.output<S>) => keyAnnotator(keys(o)) }),
    coordinator: (o, context) => keepFirstCoordinator(name, keys(o), context),
  };
  keyFunctions.set(step, keys as (options: never) => KeepFirstKeys);
  return step;
}

/** The keys of a keep-first step (parsed options), as its coordinator half computes them; undefined for other steps. */
export function keepFirstKeysOf<O>(step: StepDefinition<O>, options: O): KeepFirstKeys | undefined {
  const keys = keyFunctions.get(step) as ((o: O) => KeepFirstKeys) | undefined;
  return keys?.(options);
}
