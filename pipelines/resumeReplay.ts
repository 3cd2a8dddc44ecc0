/**
 * Resume trusts only the journal: what it lists was committed, everything else of the run is deleted.
 * Its entries then rebuild the run: the state files the coordinator steps, the last entry's stats the
 * counts and the observers, its position where reading goes on.
 */
import { join } from 'node:path';
import type { CoordinatorStep } from '../core/step.js';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomicFile.js';
import { committedFiles, readCurateJournal, readRunInfo, type JournalEntry } from './journal.js';
import { restoreStateFile } from './stateFile.js';
import { emptyRunStats, type RunStats } from './stats.js';
import type { RunObservers } from './observers.js';
import type { ReadPosition } from './readUnits.js';
import type { CuratePlan } from './curatePlan.js';

/** The output folder's committed entries, once this run may go on there; `complete` when that run finished. */
export async function readCommitted(plan: CuratePlan, resume: boolean): Promise<{ entries: JournalEntry[]; complete: boolean }> {
  const { layout } = plan;
  const entries = await readCurateJournal(layout.journal);
  const previous = await readRunInfo(layout.runInfo);
  if (!resume && (entries.length > 0 || previous)) {
    throw new UserError(`${plan.out} already holds a curate run; pass --resume to continue it or choose another --out`);
  }
  if (resume && previous && (previous.options_hash !== plan.optionsHash || previous.inputs_hash !== plan.inputsHash)) {
    throw new UserError(`${plan.out}: the inputs or options differ from the run being resumed; use the same ones or another --out`);
  }
  await layout.removeUncommitted(committedFiles(entries));
  // Rewritten without a torn last line, so the next append starts a line of its own.
  await writeFileAtomic(layout.journal, entries.map((e) => JSON.stringify(e) + '\n').join(''));
  return { entries, complete: !!previous?.complete && entries.length > 0 };
}

/** Where a run stands: its counts, the input documents it decided, and where reading goes on. */
export interface RunStart {
  stats: RunStats;
  cursor: number;
  position: ReadPosition;
}

/** Replays committed entries into the coordinator steps and the observers; a fresh run starts at zero. */
export async function replayCommitted(plan: CuratePlan, entries: readonly JournalEntry[], coordinator: CoordinatorStep[], observers: RunObservers): Promise<RunStart> {
  for (const e of entries) if (e.state) await restoreStateFile(join(plan.out, e.state), coordinator);
  const last = entries.at(-1);
  if (!last) return { stats: emptyRunStats(plan.steps.map((s) => s.step)), cursor: 0, position: { file: 0, unit: 0, docs: 0 } };
  observers.restore(last.stats.reports);
  return { stats: structuredClone(last.stats), cursor: last.cursor, position: last.position };
}
