/**
 * Stage 4, one task per corpus part: the part's documents, in order, less the ones the clusters stage
 * removed, into shards like curate's (`docs[-rR]-NNNNN.parquet`, with `--keep-rejected` also
 * `rejected[-rR]-NNNNN.parquet` whose rows carry `reason` and `metadata.duplicate_of`), `manifest[-rR].json`
 * and `stats[-rR].json` in the output folder. Kept documents are written as read, byte for byte the rows
 * a single curate run with the dedup steps keeps.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Document } from '../../core/document.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { UserError } from '../../core/errors.js';
import type { ShardInfo } from '../../datasets/parquetShardWriter.js';
import { manifestTotals, type DocsShardInfo, type Manifest } from '../manifest.js';
import { OutputLayout } from '../outputLayout.js';
import { OutputShard } from '../outputShard.js';
import { ShardWriters } from '../shardWriters.js';
import { emptyRunStats } from '../stats.js';
import { partDocuments } from './dedupCorpus.js';
import { dedupPaths, myShare, requireMarker, runTask, type DedupPlan } from './dedupPlan.js';

interface Removed {
  seq: number;
  reason: string;
  duplicate_of: string;
}

export interface FilterMarker {
  part: number;
  kept: number;
  removed: number;
  shards: number;
}

/** The shard pair being filled, and the input-file runs of its kept rows. */
class ShardPairWriter {
  private n = 0;
  private docs!: OutputShard;
  private rejected!: OutputShard;
  private bytes = 0;
  private inputs: [number, number][] = [];
  readonly shards: DocsShardInfo[] = [];
  readonly rejectedShards: ShardInfo[] = [];

  constructor(
    private readonly plan: DedupPlan,
    private readonly layout: OutputLayout,
    private readonly writers: ShardWriters,
  ) {
    this.open();
  }

  private open(): void {
    this.docs = new OutputShard(this.writers, this.plan.out, this.layout.docsShard(this.n), false);
    this.rejected = new OutputShard(this.writers, this.plan.out, this.layout.rejectedShard(this.n), true);
    this.bytes = 0;
    this.inputs = [];
  }

  async keep(doc: Document, g: number): Promise<void> {
    const b = Buffer.byteLength(doc.text);
    if (this.docs.rows > 0 && (this.docs.rows + 1 > this.plan.shardDocs || this.bytes + b > this.plan.shardBytes)) await this.commit();
    this.bytes += b;
    const last = this.inputs.at(-1);
    if (last?.[0] === g) last[1]++;
    else this.inputs.push([g, 1]);
    await this.docs.add([doc]);
  }

  async reject(doc: Document, reason: string): Promise<void> {
    if (this.rejected.rows >= this.plan.shardDocs) await this.commit();
    await this.rejected.add([doc], [reason]);
  }

  async commit(): Promise<void> {
    const [docs, rejected] = await Promise.all([this.docs.finish(), this.rejected.finish()]);
    for (const [info, shard] of [[docs, this.docs], [rejected, this.rejected]] as const) if (info) await shard.publish();
    if (docs) this.shards.push(this.plan.corpus.order === 'input' ? { ...docs, inputs: this.inputs } : docs);
    if (rejected) this.rejectedShards.push(rejected);
    this.n++;
    this.open();
  }
}

async function* removedLines(path: string): AsyncGenerator<Removed> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as Removed;
}

async function filterPart(plan: DedupPlan, part: number): Promise<Omit<FilterMarker, 'options_hash'>> {
  const corpusPart = plan.corpus.parts.find((p) => p.rank === part)!;
  const layout = new OutputLayout(plan.out, part, plan.corpus.worldSize);
  await layout.ensure();
  await layout.removeUncommitted(new Set());
  const writers = new ShardWriters(false);
  const out = new ShardPairWriter(plan, layout, writers);
  const stats = emptyRunStats(plan.methods.map((m) => m.name));
  const removed = removedLines(join(dedupPaths.clusters(plan), `removed-r${part}.jsonl`));
  let next = (await removed.next()).value as Removed | undefined;
  let kept = 0, dropped = 0;
  const dropIndex = (reason: string) => plan.methods.findIndex((m) => reason.startsWith(`${m.name}:`));
  for await (const { doc, g, s } of partDocuments(plan.corpus, corpusPart)) {
    stats.input.docs++;
    stats.input.bytes += Buffer.byteLength(doc.text);
    const gone = next?.seq === s ? next : undefined;
    const upTo = gone ? dropIndex(gone.reason) : plan.methods.length;
    for (let i = 0; i <= Math.min(upTo, plan.methods.length - 1); i++) {
      const st = stats.steps[plan.methods[i]!.name]!;
      st.in++;
      if (i < upTo) st.out++;
    }
    if (gone) {
      const rule = gone.reason.slice(gone.reason.indexOf(':') + 1);
      const st = stats.steps[plan.methods[upTo]!.name]!;
      st.dropped[rule] = (st.dropped[rule] ?? 0) + 1;
      dropped++;
      if (plan.keepRejected) await out.reject({ ...doc, metadata: { ...doc.metadata, duplicate_of: gone.duplicate_of } }, gone.reason);
      next = (await removed.next()).value as Removed | undefined;
    } else {
      kept++;
      await out.keep(doc, g);
    }
  }
  if (next) throw new UserError(`${plan.out}: the clusters stage removed document ${next.seq} of part ${part}, which the corpus does not hold (the corpus changed after the signatures stage)`);
  await out.commit();
  await writers.close();
  const manifest: Manifest = {
    version: 1,
    kind: 'docs',
    tool: 'corpusforge dedup',
    created: new Date().toISOString(),
    complete: true,
    options_hash: plan.optionsHash,
    inputs_hash: corpusPart.manifest.inputs_hash,
    rank: part,
    world_size: plan.corpus.worldSize,
    shards: out.shards,
    rejected: out.rejectedShards,
    totals: manifestTotals(out.shards, out.rejectedShards),
  };
  stats.output = { docs: kept, rejected: plan.keepRejected ? dropped : 0, shards: out.shards.length, bytes: manifest.totals.bytes };
  await writeJsonAtomic(layout.stats, stats);
  await writeJsonAtomic(layout.manifest, manifest);
  return { part, kept, removed: dropped, shards: out.shards.length };
}

/** Runs this task's share of the corpus parts, once the clusters stage has finished. */
export async function runFilter(plan: DedupPlan, log: (line: string) => void): Promise<void> {
  await requireMarker(plan, dedupPaths.clustersDone(plan), 'dedup clusters');
  for (const part of myShare(plan, plan.corpus.parts.map((p) => p.rank))) {
    const { result, skipped } = await runTask(plan, `filter-r${part}`, dedupPaths.filterDone(plan, part), [], () => filterPart(plan, part));
    log(`dedup filter: part ${part}: ${skipped ? 'already done, ' : ''}${result.kept} kept, ${result.removed} removed, ${result.shards} shards`);
  }
}
