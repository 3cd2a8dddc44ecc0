import type { Document } from '../core/document.js';
import type { CoordinatorStep } from '../core/step.js';
import { runSteps } from './batchSteps.js';
import { lateWorkerSteps } from './recipe.js';
import { addCounts, addRunStepStats, type RunStats } from './stats.js';
import { profileDocs } from './corpusProfile.js';
import { takeStateFrames } from './stateFile.js';
import type { RunObservers } from './observers.js';
import type { ShardCommitter } from './shardCommit.js';
import type { UnitBatch } from './unitTask.js';
import type { ReadPosition } from './readUnits.js';
import type { RunStart } from './resumeReplay.js';
import type { CuratePlan, CurateProgress } from './curatePlan.js';

function textBytes(docs: Document[]): number {
  let n = 0;
  for (const d of docs) n += Buffer.byteLength(d.text);
  return n;
}

export interface MergeHooks {
  onWarning?: (message: string) => void;
  onProgress?: (progress: CurateProgress) => void;
  /** Total input bytes of this rank, when known. */
  totalBytes?: number;
}

/**
 * The coordinator's side of a run: the workers' batches, strictly in input order, go through the
 * coordinator steps (global decisions) and the observers' counts into the run's stats and the shard
 * being filled, which is committed whenever the next batch would overfill it.
 */
export class CoordinatorMerge {
  /** Counts of the whole run (a resumed run's included); reports are added when taken. */
  readonly stats: RunStats;
  /** Input documents decided (kept or dropped). */
  private handled: number;
  private position: ReadPosition;
  private readonly late: string[];
  private readonly t0 = performance.now();

  constructor(
    private readonly plan: CuratePlan,
    private readonly coordinator: CoordinatorStep[],
    private readonly observers: RunObservers,
    private readonly commits: ShardCommitter,
    start: RunStart,
    private readonly hooks: MergeHooks,
  ) {
    this.stats = start.stats;
    this.handled = start.cursor;
    this.position = start.position;
    this.late = lateWorkerSteps(plan.steps);
  }

  /** Merges one batch; `after` is the read position once it is handled. */
  async add(batch: UnitBatch, after: ReadPosition): Promise<void> {
    const { result } = batch;
    for (const w of batch.warnings) this.hooks.onWarning?.(w);
    const keptBytes = textBytes(result.kept);
    if (this.commits.hasUncommitted(this.handled) && this.commits.wouldOverfill(result.kept.length, keptBytes, result.rejected.length, this.handled)) await this.commit();
    const { observers } = this;
    observers.countDrops(result.notedDrops ?? []);
    const decided = runSteps(this.coordinator, result.kept, this.plan.keepRejected, observers.size ? (r) => observers.countDrop(r) : undefined);
    observers.countKept(decided.kept);
    const frames = takeStateFrames(this.coordinator);
    const { stats } = this;
    stats.input.docs += batch.docs;
    stats.input.bytes += batch.bytes;
    stats.input.malformed += batch.malformed;
    if (batch.dropped) addCounts((stats.input.dropped ??= {}), batch.dropped);
    // A dedup step's worker half (signatures) and coordinator half share a name: count its docs
    // once, at the coordinator where it decides, and its time in both places.
    for (const c of this.coordinator) {
      const w = result.stats[c.name];
      if (w) w.in = w.out = 0;
    }
    // Map/annotate steps after a dedup step ran before it decided: count the documents that survive,
    // as the recipe order reads (their counters still include the duplicates they saw).
    for (const name of this.late) {
      const w = result.stats[name];
      if (w) w.in = w.out = decided.kept.length;
    }
    addRunStepStats(stats, result.stats);
    addRunStepStats(stats, decided.stats);
    this.handled += batch.docs;
    this.position = after;
    profileDocs(stats.profile, decided.kept);
    const bytes = decided.kept.length === result.kept.length ? keptBytes : textBytes(decided.kept);
    await this.commits.add(decided.kept, bytes, [...result.rejected, ...decided.rejected], frames, after.file);
    this.progress();
  }

  /** Commits what is not committed yet; `last` also commits an empty run's one entry. */
  async commitRest(last: boolean): Promise<void> {
    if (this.commits.hasUncommitted(this.handled) || (last && this.commits.entries.length === 0)) await this.commit();
  }

  private async commit(): Promise<void> {
    const snapshot = structuredClone(this.stats);
    this.reportInto(snapshot);
    await this.commits.commit(snapshot, this.handled, this.position);
  }

  private reportInto(stats: RunStats): void {
    for (const c of this.coordinator) {
      const r = c.report?.();
      if (r) stats.reports[c.name] = r;
    }
    this.observers.reportInto(stats.reports);
  }

  /** The run's final stats, once everything is committed. */
  finalStats(): RunStats {
    this.reportInto(this.stats);
    this.stats.output = this.commits.committedOutput;
    return this.stats;
  }

  progress(): void {
    const { stats, commits } = this;
    this.hooks.onProgress?.({
      docsRead: stats.input.docs,
      bytesRead: stats.input.bytes,
      totalBytes: this.hooks.totalBytes,
      kept: commits.keptDocs,
      dropped: stats.input.docs - commits.keptDocs,
      elapsedMs: performance.now() - this.t0,
    });
  }
}
