import { open, readFile } from 'node:fs/promises';
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

/** Reads the journal; a torn last line (crash mid-append) is ignored, since its files were not committed. */
export async function readJournal(path: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      break;
    }
  }
  return entries;
}

export async function appendJournal(path: string, entry: JournalEntry): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(JSON.stringify(entry) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}
