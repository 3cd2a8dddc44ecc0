import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import type { ShardWriters, ShardHandle } from './shardWriters.js';
import type { ShardInfo } from '../datasets/parquetShardWriter.js';
import { tempPathFor } from '../core/atomicFile.js';

/**
 * One output shard being filled. Rows are buffered into row groups and streamed to the writer
 * thread as each group fills, so the coordinator holds at most a couple of row groups, not a shard.
 * The temp file is opened on the first row group; an empty shard writes nothing.
 */
export class OutputShard {
  rows = 0;
  private handle?: ShardHandle;
  private docs: Document[] = [];
  private reasons: string[] = [];
  private readonly inflight: Promise<void>[] = [];

  constructor(
    private readonly writers: ShardWriters,
    private readonly dir: string,
    readonly file: string,
    private readonly withReasons: boolean,
    private readonly groupRows = 10_000,
  ) {}

  get tempPath(): string {
    return tempPathFor(join(this.dir, this.file));
  }

  async add(docs: Document[], reasons?: string[]): Promise<void> {
    for (const d of docs) this.docs.push(d);
    if (this.withReasons && reasons) for (const r of reasons) this.reasons.push(r);
    this.rows += docs.length;
    while (this.docs.length >= this.groupRows) await this.send(this.groupRows);
  }

  private async send(n: number): Promise<void> {
    const docs = this.docs.splice(0, n);
    const reasons = this.withReasons ? this.reasons.splice(0, n) : undefined;
    this.handle ??= this.writers.open(this.tempPath, {});
    const p = this.handle.append(docs, reasons);
    p.catch(() => undefined); // awaited below or in finish()
    this.inflight.push(p);
    if (this.inflight.length > 2) await this.inflight.shift();
  }

  /** Sends the last rows, closes the file and returns what it holds (null when empty). */
  async finish(): Promise<ShardInfo | null> {
    if (this.docs.length > 0) await this.send(this.docs.length);
    if (!this.handle) return null;
    await Promise.all(this.inflight);
    return { file: this.file, ...(await this.handle.close()) };
  }

  /** Moves the finished file into place under its name: the commit of a shard that finish() reported. */
  async publish(): Promise<void> {
    await rename(this.tempPath, join(this.dir, this.file));
  }
}
