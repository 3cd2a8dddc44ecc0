/**
 * Stage 2, one task per key partition: the partition's keys from every part, sorted by (step, band, key)
 * with bounded memory (recordSort.ts), become buckets; a bucket of two or more documents is a group of
 * candidates, and each member becomes an edge [g, s, step, group], written sorted by document position so
 * that the clusters stage can walk all partitions' edges in global order with one merge.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { tempPathFor } from '../../core/atomicFile.js';
import { dedupPaths, myShare, requireMarker, runTask, type DedupPlan } from './dedupPlan.js';
import { RecordReader, RecordWriter } from './recordFiles.js';
import { RecordSorter } from './recordSort.js';
import { SIGNATURE_WORDS, type SignaturesMarker } from './signaturesStage.js';

export const EDGE_WORDS = 4;

export interface BucketsMarker {
  partition: number;
  /** Buckets of two or more documents (groups), numbered 0.. in this partition. */
  groups: number;
  edges: number;
  /** Edge records per step (the file is sorted by position, then step). */
  keys: number;
}

async function bucketPartition(plan: DedupPlan, p: number, parts: SignaturesMarker[]): Promise<Omit<BucketsMarker, 'options_hash'>> {
  const dir = dedupPaths.buckets(plan, p);
  mkdirSync(dir, { recursive: true });
  // Two sorts run one after the other; each may use the whole budget.
  const keys = new RecordSorter({ words: SIGNATURE_WORDS, keyWords: 3, budgetBytes: plan.budgetBytes, tmpDir: dir });
  for (const part of parts) {
    const reader = new RecordReader(join(dedupPaths.signatures(plan, part.part), `p${p}.bin`), SIGNATURE_WORDS, part.records[p]!);
    while (reader.next()) keys.push(reader.data, reader.at);
  }
  const edges = new RecordSorter({ words: EDGE_WORDS, keyWords: EDGE_WORDS, budgetBytes: plan.budgetBytes, tmpDir: dir });
  const edge = new Uint32Array(EDGE_WORDS);
  // The members of the bucket being read: (g, s) pairs.
  let members = new Uint32Array(64);
  let count = 0;
  let tag = -1, hi = 0, lo = 0;
  let groups = 0;
  const close = () => {
    if (count >= 2) {
      edge[2] = tag >>> 16;
      edge[3] = groups++;
      for (let i = 0; i < count; i++) {
        edge[0] = members[2 * i]!;
        edge[1] = members[2 * i + 1]!;
        edges.push(edge, 0);
      }
    }
    count = 0;
  };
  keys.forEachSorted((d, at) => {
    if (d[at] !== tag || d[at + 1] !== hi || d[at + 2] !== lo) {
      close();
      tag = d[at]!;
      hi = d[at + 1]!;
      lo = d[at + 2]!;
    }
    if (2 * count === members.length) {
      const next = new Uint32Array(members.length * 2);
      next.set(members);
      members = next;
    }
    members[2 * count] = d[at + 3]!;
    members[2 * count + 1] = d[at + 4]!;
    count++;
  });
  close();
  const file = join(dir, 'edges.bin');
  const out = new RecordWriter(tempPathFor(file), EDGE_WORDS);
  edges.forEachSorted((d, at) => out.write(d, at / EDGE_WORDS, 1));
  out.close();
  renameSync(tempPathFor(file), file);
  return { partition: p, groups, edges: out.count, keys: keys.count };
}

/** Runs this task's share of the partitions, once every signatures task has finished. */
export async function runBuckets(plan: DedupPlan, log: (line: string) => void): Promise<void> {
  const parts: SignaturesMarker[] = [];
  for (const part of plan.corpus.parts) parts.push(await requireMarker<SignaturesMarker>(plan, dedupPaths.signaturesDone(plan, part.rank), `dedup signatures for part ${part.rank}`));
  for (const p of myShare(plan, [...Array(plan.partitions).keys()])) {
    const { result, skipped } = await runTask(plan, `buckets-p${p}`, dedupPaths.bucketsDone(plan, p), [dedupPaths.buckets(plan, p)], () => bucketPartition(plan, p, parts));
    log(`dedup buckets: partition ${p}: ${skipped ? 'already done, ' : ''}${result.keys} keys, ${result.groups} buckets of candidates, ${result.edges} members`);
  }
}
