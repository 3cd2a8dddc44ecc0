/**
 * Stage 1, one task per corpus part: every document's dedup keys (the steps' own key functions: 64-bit text
 * or URL hashes, MinHash band keys), written as records [step << 16 | band, key hi, key lo, g, s] into one file
 * per key partition, so that each `buckets` task reads exactly the keys that can collide with each other.
 * Also the part's ids by sequence number and, in the marker, its documents per input file.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { tempPathFor } from '../../core/atomicFile.js';
import { partDocuments } from './dedupCorpus.js';
import { dedupPaths, myShare, runTask, type DedupPlan } from './dedupPlan.js';
import { RecordWriter } from './recordFiles.js';
import { IdFileWriter } from './idFile.js';

export const SIGNATURE_WORDS = 5;

/** What a finished signatures task records. */
export interface SignaturesMarker {
  part: number;
  docs: number;
  /** Runs of [g, first s, documents]: the part's documents per input file, in order. */
  files: [number, number, number][];
  /** Records per partition file. */
  records: number[];
  /** Documents without keys per step (no URL, too short to shingle): kept, never compared. */
  unkeyed: Record<string, number>;
}

/** The partition of a key: keys are hashes already, so mixing in the step and band is enough. */
export function partitionOf(tag: number, hi: number, partitions: number): number {
  return ((hi ^ Math.imul(tag + 1, 0x9e3779b1)) >>> 0) % partitions;
}

async function signPart(plan: DedupPlan, part: number): Promise<Omit<SignaturesMarker, 'options_hash'>> {
  const dir = dedupPaths.signatures(plan, part);
  mkdirSync(dir, { recursive: true });
  const finals = [...Array(plan.partitions).keys()].map((p) => join(dir, `p${p}.bin`));
  finals.push(join(dir, 'ids.bin'), join(dir, 'ids.idx'));
  const temps = finals.map(tempPathFor);
  const writers = temps.slice(0, plan.partitions).map((t) => new RecordWriter(t, SIGNATURE_WORDS));
  const ids = new IdFileWriter(temps[plan.partitions]!, temps[plan.partitions + 1]!);
  const files: [number, number, number][] = [];
  const unkeyed: Record<string, number> = {};
  const record = new Uint32Array(SIGNATURE_WORDS);
  let docs = 0;
  const corpusPart = plan.corpus.parts.find((p) => p.rank === part)!;
  for await (const { doc, g, s } of partDocuments(plan.corpus, corpusPart)) {
    docs++;
    ids.add(doc.id);
    const last = files.at(-1);
    if (last?.[0] === g) last[2]++;
    else files.push([g, s, 1]);
    record[3] = g;
    record[4] = s;
    plan.methods.forEach((m, mi) => {
      const keys = m.keys.computeKeys(doc);
      if (!keys) {
        unkeyed[m.name] = (unkeyed[m.name] ?? 0) + 1;
        return;
      }
      for (let b = 0; b < m.keys.numKeys; b++) {
        const tag = (mi << 16) | b;
        record[0] = tag;
        record[1] = keys[2 * b]!;
        record[2] = keys[2 * b + 1]!;
        writers[partitionOf(tag, record[1], plan.partitions)]!.write(record, 0, 1);
      }
    });
  }
  for (const w of writers) w.close();
  ids.close();
  temps.forEach((t, i) => renameSync(t, finals[i]!));
  return { part, docs, files, records: writers.map((w) => w.count), unkeyed };
}

/** Runs this task's share of the corpus parts. */
export async function runSignatures(plan: DedupPlan, log: (line: string) => void): Promise<void> {
  for (const part of myShare(plan, plan.corpus.parts.map((p) => p.rank))) {
    const { result, skipped } = await runTask(plan, `signatures-r${part}`, dedupPaths.signaturesDone(plan, part), [dedupPaths.signatures(plan, part)], () => signPart(plan, part));
    log(`dedup signatures: part ${part}: ${skipped ? 'already done, ' : ''}${result.docs} documents, ${result.records.reduce((a, b) => a + b, 0)} keys in ${plan.partitions} partitions`);
  }
}
