import { readJournal } from '../core/journal.js';
import type { ShardInfo } from '../datasets/parquetShardWriter.js';
import type { RunStats } from './stats.js';
import type { ReadPosition } from './readUnits.js';

/**
 * One committed unit of output. Appended (and fsynced) only after its files are renamed into place,
 * so the journal is the truth: a file it does not list is an unfinished leftover.
 */
export interface JournalEntry {
  /** Shard number, contiguous from 0 in input order. */
  shard: number;
  docs: ShardInfo | null;
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
