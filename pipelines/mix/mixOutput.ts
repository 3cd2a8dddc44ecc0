import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import type { OutputLock } from '../../core/outputLock.js';
import { isOutputLockName } from '../../core/outputLock.js';
import type { ShardInfo } from '../../datasets/parquetShardWriter.js';
import { manifestTotals, type Manifest } from '../manifest.js';
import { OutputLayout } from '../outputLayout.js';
import { OutputShard } from '../outputShard.js';
import { ShardWriters } from '../shardWriters.js';

export const MIX_TOOL = 'corpusforge mix';

/** Files a mix writes in its output folder (and removes before writing it again). */
const MINE = /^(\.?docs-\d{5}\.parquet(\.\d+\.tmp)?|\.?(manifest|mix)\.json(\.\d+\.tmp)?)$/;

/**
 * Makes `dir` ready for a mix: the files of an earlier mix are removed; a folder holding another tool's
 * output (a curate run: its manifest names another tool) is refused rather than mixed into.
 */
export async function prepareMixOutput(dir: string): Promise<void> {
  const manifest = await readFile(join(dir, 'manifest.json'), 'utf8').then((t) => JSON.parse(t) as { tool?: unknown }, () => undefined);
  if (manifest && manifest.tool !== MIX_TOOL) throw new UserError(`${dir}: holds the output of ${String(manifest.tool ?? 'another tool')}; give mix an output folder of its own`);
  for (const name of await readdir(dir)) if (MINE.test(name) && !isOutputLockName(name)) await rm(join(dir, name), { force: true });
}

export interface MixOutputOptions {
  dir: string;
  shardDocs: number;
  shardBytes: number;
  /** Encode shards on their own thread (false: inline; the bytes are the same). */
  thread: boolean;
  optionsHash: string;
  inputsHash: string;
  lock: Pick<OutputLock, 'assertHeld'>;
}

/**
 * The mixture's output, written as curate writes its own: docs-NNNNN.parquet shards through the same
 * shard writer (temp file, fsync, rename), and a manifest.json rewritten after each finished shard that
 * lists only finished ones (`complete: false` until the end).
 */
export class MixOutput {
  readonly shards: ShardInfo[] = [];
  private readonly layout: OutputLayout;
  private readonly writers: ShardWriters;
  private shard: OutputShard;
  private opened = 0;
  private shardBytes = 0;
  private batch: Document[] = [];

  constructor(private readonly o: MixOutputOptions) {
    this.layout = new OutputLayout(o.dir, 0, 1);
    this.writers = new ShardWriters(o.thread);
    this.shard = this.open();
  }

  private open(): OutputShard {
    return new OutputShard(this.writers, this.o.dir, this.layout.docsShard(this.opened++), false);
  }

  /** Adds one document (a copy of an input document) in output order. */
  async add(doc: Document, bytes: number): Promise<void> {
    if (this.shard.rows + this.batch.length > 0 && (this.shard.rows + this.batch.length >= this.o.shardDocs || this.shardBytes + bytes > this.o.shardBytes)) await this.finishShard();
    this.batch.push(doc);
    this.shardBytes += bytes;
    if (this.batch.length >= 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const docs = this.batch;
    this.batch = [];
    await this.shard.add(docs);
  }

  private async finishShard(): Promise<void> {
    await this.flush();
    const shard = this.shard;
    this.shard = this.open();
    this.shardBytes = 0;
    const info = await shard.finish();
    if (!info) return;
    this.o.lock.assertHeld();
    await shard.publish();
    this.shards.push(info);
    await writeJsonAtomic(this.layout.manifest, this.manifest(false));
  }

  manifest(complete: boolean): Manifest {
    return {
      version: 1,
      kind: 'docs',
      tool: MIX_TOOL,
      created: new Date().toISOString(),
      complete,
      options_hash: this.o.optionsHash,
      inputs_hash: this.o.inputsHash,
      rank: 0,
      world_size: 1,
      shards: this.shards,
      rejected: [],
      totals: manifestTotals(this.shards, []),
    };
  }

  /** Finishes the last shard and writes the complete manifest. */
  async finish(): Promise<Manifest> {
    await this.finishShard();
    const m = this.manifest(true);
    await writeJsonAtomic(this.layout.manifest, m);
    return m;
  }

  /** After a failure: the shard being written is dropped (its temp file removed); finished ones stay listed. */
  async abort(): Promise<void> {
    await this.shard.finish().catch(() => undefined);
    await rm(this.shard.tempPath, { force: true });
  }

  close(): Promise<void> {
    return this.writers.close();
  }
}
