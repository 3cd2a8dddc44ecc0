import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomicFile.js';
import { buildCoordinatorSteps } from './recipe.js';
import type { RunStats } from './stats.js';
import type { RecipeChoice } from './defaultRecipe.js';
import type { Manifest } from './manifest.js';
import { writeRunInfo } from './journal.js';
import { RunObservers } from './observers.js';
import { readUnits } from './readUnits.js';
import { readCommitted, replayCommitted } from './resumeReplay.js';
import { UnitRunner } from './unitRunner.js';
import { ShardWriters } from './shardWriters.js';
import { ShardCommitter } from './shardCommit.js';
import { CoordinatorMerge } from './coordinatorMerge.js';
import { runUnitsInOrder } from './unitQueue.js';
import { manifestOf, planCurate, runInfoOf, type CurateOptions, type CuratePlan } from './curatePlan.js';
import { lockOutput, type OutputLock } from '../core/outputLock.js';

export type { CurateOptions, CurateProgress } from './curatePlan.js';

export interface CurateResult {
  manifest: Manifest;
  stats: RunStats;
  /** Input documents skipped because a previous run had committed them (resume). */
  resumedDocs: number;
  alreadyComplete: boolean;
}

const withRecipe = (stats: RunStats, recipe: RecipeChoice | undefined): RunStats => (recipe ? { ...stats, recipe } : stats);

/** Runs a curate pipeline: read -> worker steps (pool) -> coordinator steps (in order) -> Parquet shards. */
export async function curate(options: CurateOptions): Promise<CurateResult> {
  const plan = await planCurate(options);
  // One writer per output (per rank in a split run): taken before resume deletes anything uncommitted.
  const lock = await lockOutput(plan.out, { name: plan.layout.suffix.slice(1) || undefined, command: 'corpusforge curate', onTakeover: options.onWarning });
  try {
    return await curateLocked(plan, options, lock);
  } finally {
    await lock.release();
  }
}

async function curateLocked(plan: CuratePlan, options: CurateOptions, lock: OutputLock): Promise<CurateResult> {
  const { layout } = plan;
  const committed = await readCommitted(plan, options.resume ?? false);
  if (committed.complete) {
    const last = committed.entries.at(-1)!;
    return { manifest: manifestOf(plan, committed.entries, true), stats: withRecipe(last.stats, plan.recipe), resumedDocs: last.cursor, alreadyComplete: true };
  }
  await writeRunInfo(layout.runInfo, runInfoOf(plan, false));

  const coordinator = buildCoordinatorSteps(plan.steps, { stateDir: join(plan.out, 'state', `dedup-index${layout.suffix}`) });
  const observers = new RunObservers(plan.observers);
  const start = await replayCommitted(plan, committed.entries, coordinator, observers);
  const runner = new UnitRunner(plan.workers, { timeBudgetMs: options.timeBudgetMs });
  const writers = new ShardWriters(plan.workers > 0);
  const commits = new ShardCommitter(plan, writers, committed.entries, start, lock);
  const totalBytes = options.source ? undefined : plan.files.reduce((n, f) => n + f.bytes, 0);
  const merge = new CoordinatorMerge(plan, coordinator, observers, commits, start, { onWarning: options.onWarning, onProgress: options.onProgress, totalBytes });
  const closePools = () => Promise.all([runner.close(), writers.close()]);
  try {
    const { batchSize, keepRejected } = plan;
    const { textField, strict, maxDocumentBytes } = options;
    const units = readUnits({ files: plan.files, source: options.source, start: start.position, batchSize, textField, strict, maxDocumentBytes });
    const readError = await runUnitsInOrder(
      units,
      runner,
      (unit) => ({ read: unit.read, bytes: unit.bytes, batchSize, recipe: plan.steps, keepRejected, observers: plan.observers, textField, strict, maxDocumentBytes }),
      (batch, after) => merge.add(batch, after),
    );
    // A bad input still commits what came before it, so a resumed run starts right there.
    await merge.commitRest(!readError);
    await commits.settled();
    if (readError) throw readError;
  } catch (e) {
    await commits.settled().catch(() => undefined);
    await closePools();
    for (const c of coordinator) c.close?.();
    await commits.removeUncommitted();
    throw e;
  }
  await closePools();
  const stats = withRecipe(merge.finalStats(), plan.recipe);
  for (const c of coordinator) c.close?.();
  const manifest = manifestOf(plan, commits.entries, true);
  await writeJsonAtomic(layout.stats, stats);
  await writeJsonAtomic(layout.manifest, manifest);
  await writeRunInfo(layout.runInfo, runInfoOf(plan, true));
  merge.progress();
  return { manifest, stats, resumedDocs: start.cursor, alreadyComplete: false };
}
