import { join } from 'node:path';
import type { Document, Rejected } from '../core/document.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomicFile.js';
import { appendJournal } from '../core/journal.js';
import type { OutputLock } from '../core/outputLock.js';
import type { ShardInfo } from '../datasets/parquetShardWriter.js';
import { committedFiles, type JournalEntry } from './journal.js';
import { encodeStateFrames, type StateFrame } from './stateFile.js';
import { OutputShard } from './outputShard.js';
import type { ShardWriters } from './shardWriters.js';
import type { RunStats } from './stats.js';
import type { ReadPosition } from './readUnits.js';
import type { RunStart } from './resumeReplay.js';
import { manifestOf, type CuratePlan } from './curatePlan.js';

/** The next shard's files being filled: kept documents, and dropped ones with --keep-rejected. */
interface ShardPair {
  docs: OutputShard;
  rejected: OutputShard;
}

/**
 * The commit chain. Documents fill the next shard; a commit has it written to a temp file, renames it
 * into place, writes the coordinator state delta, appends the journal line and rewrites the manifest.
 * Commits run one after another in shard order while the next shard fills, so the journal only ever
 * lists whole shards and a resumed run starts right after the last one.
 */
export class ShardCommitter {
  private nextShard: number;
  private pending: ShardPair;
  private pendingBytes = 0;
  private pendingFrames: StateFrame[] = [];
  /** The pending docs shard's rows by input file: runs of [global file index, rows] (manifest `inputs`). */
  private pendingInputs: [number, number][] = [];
  private chain: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  /** Input documents decided up to the last commit. */
  private lastCursor: number;
  /** What the committed shards hold. */
  private readonly output: RunStats['output'];

  constructor(
    private readonly plan: CuratePlan,
    private readonly writers: ShardWriters,
    /** The committed entries, this run's appended as they commit. */
    readonly entries: JournalEntry[],
    start: RunStart,
    /** This run's hold on the output folder: checked before each journal line, so a run that lost it commits nothing more. */
    private readonly lock: Pick<OutputLock, 'assertHeld'>,
  ) {
    this.nextShard = entries.length;
    this.pending = this.openShards(this.nextShard);
    this.lastCursor = start.cursor;
    this.output = { ...start.stats.output };
  }

  private openShards(n: number): ShardPair {
    const { out, layout } = this.plan;
    return { docs: new OutputShard(this.writers, out, layout.docsShard(n), false), rejected: new OutputShard(this.writers, out, layout.rejectedShard(n), true) };
  }

  /** Documents kept so far, committed or in the shard being filled. */
  get keptDocs(): number {
    return this.output.docs + this.pending.docs.rows;
  }

  /** What the committed shards hold. */
  get committedOutput(): RunStats['output'] {
    return { ...this.output };
  }

  /** Whether decisions up to `cursor` are not committed yet (documents pending, or only dropped ones). */
  hasUncommitted(cursor: number): boolean {
    return this.pending.docs.rows > 0 || this.pending.rejected.rows > 0 || cursor > this.lastCursor;
  }

  /** Whether adding a batch would overfill the shard being filled, or leave too much input uncommitted. */
  wouldOverfill(kept: number, keptBytes: number, rejected: number, cursor: number): boolean {
    const { shardDocs, shardBytes, keepRejected } = this.plan;
    return (
      this.pending.docs.rows + kept > shardDocs ||
      this.pendingBytes + keptBytes > shardBytes ||
      this.pending.rejected.rows + rejected > (keepRejected ? shardDocs : Infinity) ||
      cursor - this.lastCursor >= 4 * shardDocs
    );
  }

  /**
   * Adds a batch's decisions to the shard being filled (the rejected ones only with --keep-rejected); `file`:
   * the batch's input file in this rank's list (-1: a live source).
   */
  async add(kept: Document[], keptBytes: number, rejected: Rejected[], stateFrames: StateFrame[], file = -1): Promise<void> {
    for (const f of stateFrames) this.pendingFrames.push(f);
    if (file >= 0 && kept.length > 0) {
      // This rank holds files i % worldSize == rank of the sorted input list (curatePlan.ts).
      const global = file * this.plan.worldSize + this.plan.rank;
      const last = this.pendingInputs.at(-1);
      if (last?.[0] === global) last[1] += kept.length;
      else this.pendingInputs.push([global, kept.length]);
    }
    this.pendingBytes += keptBytes;
    await this.pending.docs.add(kept);
    if (this.plan.keepRejected) await this.pending.rejected.add(rejected.map((r) => r.doc), rejected.map((r) => r.reason));
  }

  /**
   * Commits the shard being filled, as of `stats` (a snapshot taken now) and the input read up to
   * `cursor` / `position`, and starts the next. Waits only when two shards are already being encoded.
   */
  async commit(stats: RunStats, cursor: number, position: ReadPosition): Promise<void> {
    const shard = this.nextShard++;
    const files = this.pending, frames = this.pendingFrames, inputs = this.pendingInputs;
    this.pending = this.openShards(this.nextShard);
    this.pendingBytes = 0;
    this.pendingFrames = [];
    this.pendingInputs = [];
    this.lastCursor = cursor;
    const written = Promise.all([files.docs.finish(), files.rejected.finish()]);
    written.catch(() => undefined); // surfaced through the chain
    this.writesInFlight++;
    this.chain = this.chain.then(async () => {
      const [written0, rejected] = await written;
      const docs = written0 && inputs.length > 0 ? { ...written0, inputs } : written0;
      await this.record({ shard, docs, rejected, state: await this.place(shard, files, docs, rejected, frames), cursor, position, stats });
      this.writesInFlight--;
    });
    // Bound memory: at most two shards being encoded at once.
    if (this.writesInFlight >= 2) await this.chain;
  }

  /** Renames the written shards into place and writes the state delta; returns the state file's name. */
  private async place(shard: number, files: ShardPair, docs: ShardInfo | null, rejected: ShardInfo | null, frames: StateFrame[]): Promise<string | null> {
    const { out, layout } = this.plan;
    for (const [info, file] of [[docs, files.docs], [rejected, files.rejected]] as const) if (info) await file.publish();
    if (frames.length === 0) return null;
    const state = layout.stateFile(shard);
    await writeFileAtomic(join(out, state), encodeStateFrames(frames));
    return state;
  }

  /** Counts the placed shard, appends its journal line and rewrites the manifest. */
  private async record(entry: JournalEntry): Promise<void> {
    this.output.docs += entry.docs?.rows ?? 0;
    this.output.rejected += entry.rejected?.rows ?? 0;
    this.output.shards += entry.docs ? 1 : 0;
    this.output.bytes += entry.docs?.bytes ?? 0;
    entry.stats.output = { ...this.output };
    this.lock.assertHeld();
    await appendJournal(this.plan.layout.journal, entry);
    this.entries.push(entry);
    await writeJsonAtomic(this.plan.layout.manifest, manifestOf(this.plan, this.entries, false));
  }

  /** Resolves when every commit so far is recorded; rejects with the first that failed. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** After a failure: deletes this rank's files that no journal line lists. */
  async removeUncommitted(): Promise<void> {
    await this.plan.layout.removeUncommitted(committedFiles(this.entries));
  }
}
