/**
 * Stage 3, one task: the cheap merge. Every partition's edges, merged in global position order, are walked
 * document by document with the rule of a single curate process: the steps decide in recipe order, a
 * document is a duplicate for a step when one of its buckets already holds a document that step kept, and
 * then it is the duplicate of the earliest such document (`duplicate_of`) and no later step sees it; a
 * document a step keeps becomes the first kept member of its buckets. Memory: 8 bytes per bucket of
 * candidates and one entry per cluster, never per document.
 *
 * Output: `dedup/clusters/removed-rR.jsonl` per corpus part, one line per removed document in part order:
 * `{ seq, id, reason, duplicate_of, cluster }`, where `cluster` is the kept document's index in the whole
 * corpus (global input order), the same number for every member of its cluster.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempPathFor } from '../../core/atomicFile.js';
import { dedupPaths, requireMarker, runTask, type DedupPlan } from './dedupPlan.js';
import { mergeSortedFiles } from './recordSort.js';
import { EDGE_WORDS, type BucketsMarker } from './bucketsStage.js';
import type { SignaturesMarker } from './signaturesStage.js';
import { IdFileReader } from './idFile.js';

const TWO32 = 2 ** 32;

export interface ClusterReport {
  clusters: number;
  duplicates: number;
  cluster_sizes: Record<string, number>;
}

export interface ClustersMarker {
  /** Removed documents per corpus part. */
  removed: Record<string, number>;
  /** Per step: its clusters (a kept document and its duplicates) as curate reports them. */
  reports: Record<string, ClusterReport>;
}

/** Where each input file's documents sit: its part, first sequence number there, and index in the whole corpus. */
class FileTable {
  private readonly byFile = new Map<number, { part: number; firstSeq: number; start: number }>();
  constructor(parts: SignaturesMarker[]) {
    const runs = parts.flatMap((m) => m.files.map(([g, firstSeq, docs]) => ({ g, firstSeq, docs, part: m.part })));
    runs.sort((a, b) => a.g - b.g);
    let start = 0;
    for (const r of runs) {
      this.byFile.set(r.g, { part: r.part, firstSeq: r.firstSeq, start });
      start += r.docs;
    }
  }
  part(g: number): number {
    return this.byFile.get(g)!.part;
  }
  /** The document's index in the whole corpus, in global order. */
  index(g: number, s: number): number {
    const f = this.byFile.get(g)!;
    return f.start + s - f.firstSeq;
  }
}

/** A JSONL file written through a buffer, to a temp name renamed into place by finish(). */
class LineFile {
  private readonly fd: number;
  private buf = '';
  count = 0;
  constructor(readonly path: string) {
    this.fd = openSync(tempPathFor(path), 'w');
  }
  add(line: string): void {
    this.buf += line + '\n';
    this.count++;
    if (this.buf.length > 1 << 16) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.buf);
    this.buf = '';
  }
  finish(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(tempPathFor(this.path), this.path);
  }
}

function sizes(counts: Map<number, number>): ClusterReport {
  const hist = new Map<number, number>();
  let duplicates = 0;
  for (const d of counts.values()) {
    duplicates += d;
    hist.set(d + 1, (hist.get(d + 1) ?? 0) + 1);
  }
  const cluster_sizes: Record<string, number> = {};
  for (const size of [...hist.keys()].sort((a, b) => a - b)) cluster_sizes[String(size)] = hist.get(size)!;
  return { clusters: counts.size, duplicates, cluster_sizes };
}

async function cluster(plan: DedupPlan, parts: SignaturesMarker[], buckets: BucketsMarker[]): Promise<Omit<ClustersMarker, 'options_hash'>> {
  const dir = dedupPaths.clusters(plan);
  mkdirSync(dir, { recursive: true });
  const files = new FileTable(parts);
  const offsets: number[] = [];
  let total = 0;
  for (const b of buckets) {
    offsets.push(total);
    total += b.groups;
  }
  // The position (g * 2^32 + s) of the first kept member of each bucket, -1 while it has none.
  const firstKept = new Float64Array(total).fill(-1);
  const ids = new Map(parts.map((m) => [m.part, new IdFileReader(join(dedupPaths.signatures(plan, m.part), 'ids.bin'), join(dedupPaths.signatures(plan, m.part), 'ids.idx'))]));
  const out = new Map(parts.map((m) => [m.part, new LineFile(join(dir, `removed-r${m.part}.jsonl`))]));
  const clusterCounts = plan.methods.map(() => new Map<number, number>());
  const reasons = plan.methods.map((m) => `${m.name}:${m.keys.duplicateRule}`);

  let g = -1, s = -1;
  const steps: number[] = [];
  const groups: number[] = [];
  const decide = () => {
    if (steps.length === 0) return;
    const pos = g * TWO32 + s;
    for (let mi = 0; mi < plan.methods.length; mi++) {
      let best = -1;
      let seen = false;
      for (let i = 0; i < steps.length; i++) {
        if (steps[i] !== mi) continue;
        seen = true;
        const fk = firstKept[groups[i]!]!;
        if (fk >= 0 && (best < 0 || fk < best)) best = fk;
      }
      if (!seen) continue;
      if (best >= 0) {
        const hg = Math.floor(best / TWO32), hs = best - hg * TWO32;
        const counts = clusterCounts[mi]!;
        counts.set(best, (counts.get(best) ?? 0) + 1);
        const part = files.part(g);
        const line = { seq: s, id: ids.get(part)!.get(s), reason: reasons[mi], duplicate_of: ids.get(files.part(hg))!.get(hs), cluster: files.index(hg, hs) };
        out.get(part)!.add(JSON.stringify(line));
        break;
      }
      for (let i = 0; i < steps.length; i++) if (steps[i] === mi) firstKept[groups[i]!] = pos;
    }
    steps.length = 0;
    groups.length = 0;
  };
  const edgeFiles = buckets.map((b) => ({ path: join(dedupPaths.buckets(plan, b.partition), 'edges.bin'), first: 0, end: b.edges }));
  mergeSortedFiles(edgeFiles, EDGE_WORDS, 2, (d, at, file) => {
    if (d[at] !== g || d[at + 1] !== s) {
      decide();
      g = d[at]!;
      s = d[at + 1]!;
    }
    steps.push(d[at + 2]!);
    groups.push(offsets[file]! + d[at + 3]!);
  });
  decide();
  for (const r of ids.values()) r.close();
  const removed: Record<string, number> = {};
  for (const [part, f] of out) {
    f.finish();
    removed[String(part)] = f.count;
  }
  const reports: Record<string, ClusterReport> = {};
  plan.methods.forEach((m, mi) => (reports[m.name] = sizes(clusterCounts[mi]!)));
  return { removed, reports };
}

/** Runs the merge once every buckets task has finished. */
export async function runClusters(plan: DedupPlan, log: (line: string) => void): Promise<void> {
  const parts: SignaturesMarker[] = [];
  for (const part of plan.corpus.parts) parts.push(await requireMarker<SignaturesMarker>(plan, dedupPaths.signaturesDone(plan, part.rank), `dedup signatures for part ${part.rank}`));
  const buckets: BucketsMarker[] = [];
  for (let p = 0; p < plan.partitions; p++) buckets.push(await requireMarker<BucketsMarker>(plan, dedupPaths.bucketsDone(plan, p), `dedup buckets for partition ${p}`));
  const { result, skipped } = await runTask(plan, 'clusters', dedupPaths.clustersDone(plan), [dedupPaths.clusters(plan)], () => cluster(plan, parts, buckets));
  const total = Object.values(result.removed).reduce((a, b) => a + b, 0);
  const per = plan.methods.map((m) => `${m.name} ${result.reports[m.name]?.duplicates ?? 0}`).join(', ');
  log(`dedup clusters: ${skipped ? 'already done, ' : ''}${total} duplicates removed (${per})`);
}
