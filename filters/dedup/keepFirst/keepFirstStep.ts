/**
 * The coordinator half shared by exact, URL and MinHash dedup: walks batches in input order,
 * keeps the first document of each duplicate cluster and drops later ones with
 * `metadata.duplicate_of` naming the kept document. Keys come from the worker half (a hex string
 * under a `_`-prefixed metadata key, removed here) or, when that half did not run, are computed
 * on the spot, so the coordinator alone is still correct.
 */
import type { Document, Rejected } from '../../../core/document.js';
import { join } from 'node:path';
import type { CoordinatorContext, CoordinatorStep, StepOutput } from '../../../core/step.js';
import { KeepFirstIndex } from './keepFirstIndex.js';

export interface KeepFirstSpec {
  /** Step name, used for counters (`<name>.<counter>`) and the drop reason prefix. */
  name: string;
  /** Drop reason, e.g. `minhash_dedup:near_duplicate`. */
  reason: string;
  /** Metadata key the worker half writes, e.g. `_minhash`. */
  metadataKey: string;
  /** 64-bit keys per document (1 for exact/URL, the band count for MinHash). */
  numKeys: number;
  /** Keys of a document computed from scratch, or undefined when it has none (no URL, too short). */
  computeKeys(doc: Document): Uint32Array | undefined;
  /** Counter name for documents without keys (kept, never indexed). */
  unkeyedCounter: string;
  /** Use the 8-byte partitioned key tables (44-bit keys) instead of exact 64-bit ones. */
  compactIndex?: boolean;
  /**
   * Disk-backed index with this many MiB for its in-memory key table (see keepFirstIndex.ts);
   * undefined: the whole index in memory.
   */
  memoryMb?: number;
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
export function annotateKeys(spec: KeepFirstSpec, batch: Document[]): StepOutput {
  const kept = batch.map((doc) => {
    const keys = spec.computeKeys(doc);
    return { ...doc, metadata: { ...doc.metadata, [spec.metadataKey]: keys ? encodeKeys(keys) : '' } };
  });
  return { kept, dropped: [] };
}

function withoutKey(doc: Document, key: string, extra?: Record<string, unknown>): Document {
  if (!(key in doc.metadata) && !extra) return doc;
  const metadata = { ...doc.metadata, ...extra };
  delete metadata[key];
  return { ...doc, metadata };
}

export function createKeepFirstCoordinator(spec: KeepFirstSpec, context?: CoordinatorContext): CoordinatorStep {
  const disk =
    spec.memoryMb === undefined
      ? undefined
      : { memoryBytes: spec.memoryMb * 2 ** 20, dir: context?.stateDir ? join(context.stateDir, spec.name) : undefined };
  const index = new KeepFirstIndex(spec.numKeys, { compact: spec.compactIndex ?? false, disk });
  const scratch = new Uint32Array(spec.numKeys * 2);
  return {
    name: spec.name,
    decide(batch: Document[]): StepOutput {
      const kept: Document[] = [];
      const dropped: Rejected[] = [];
      let batchUnkeyed = 0;
      for (const doc of batch) {
        const stored = doc.metadata[spec.metadataKey];
        let keys: Uint32Array | undefined;
        if (stored === '') keys = undefined;
        else if (decodeKeys(stored, scratch)) keys = scratch;
        else keys = spec.computeKeys(doc);
        if (!keys) {
          batchUnkeyed++;
          kept.push(withoutKey(doc, spec.metadataKey));
          continue;
        }
        const first = index.find(keys);
        if (first >= 0) {
          const duplicateOf = index.addDuplicate(first);
          dropped.push({ doc: withoutKey(doc, spec.metadataKey, { duplicate_of: duplicateOf }), reason: spec.reason });
        } else {
          index.insert(doc.id, keys);
          kept.push(withoutKey(doc, spec.metadataKey));
        }
      }
      const counters: Record<string, number> = {};
      if (batchUnkeyed) counters[`${spec.name}.${spec.unkeyedCounter}`] = batchUnkeyed;
      return { kept, dropped, counters };
    },
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
