import { readFile } from 'node:fs/promises';
import { readJournal } from '../core/journal.js';
import { writeJsonAtomic } from '../core/atomicFile.js';
import type { StepSpec } from '../core/step.js';
import type { ShardInfo } from '../datasets/parquetShardWriter.js';
import type { RunStats } from './stats.js';
import type { ReadPosition } from './readUnits.js';
import type { DocsShardInfo } from './manifest.js';

/**
 * One committed unit of output. Appended (and fsynced) only after its files are renamed into place,
 * so the journal is the truth: a file it does not list is an unfinished leftover.
 */
export interface JournalEntry {
  /** Shard number, contiguous from 0 in input order. */
  shard: number;
  docs: DocsShardInfo | null;
  rejected: ShardInfo | null;
  /** Coordinator-state delta file (dedup index entries of this shard's documents). */
  state: string | null;
  /** Input documents consumed (kept or dropped) up to the end of this shard. */
  cursor: number;
  /** Where reading resumes: the same point as `cursor`, in read units (see readUnits.ts). */
  position: ReadPosition;
  /** Cumulative run stats at this commit, so a resumed run continues the counts. */
  stats: RunStats;
}

/** The committed entries of a curate run's journal (none when it has no journal yet). */
export async function readCurateJournal(path: string): Promise<JournalEntry[]> {
  return (await readJournal<JournalEntry>(path)) ?? [];
}

/** The files a journal lists (paths relative to the output folder): everything else of the run is a leftover. */
export function committedFiles(entries: readonly JournalEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => [e.docs?.file, e.rejected?.file, e.state].filter((f): f is string => !!f)));
}

/** state/run.json: which run an output folder holds, so `--resume` refuses other inputs or options. */
export interface RunInfo {
  options_hash: string;
  inputs_hash: string;
  complete: boolean;
  steps: StepSpec[];
}

export async function readRunInfo(path: string): Promise<RunInfo | undefined> {
  return readFile(path, 'utf8').then((t) => JSON.parse(t) as RunInfo, () => undefined);
}

export async function writeRunInfo(path: string, info: RunInfo): Promise<void> {
  await writeJsonAtomic(path, info);
}
