/**
 * The resume journal of `corpusforge tokenize`: an append-only JSONL file, fsynced per line. The first line
 * records the settings (a resume with other inputs or tokenizer is refused); each later line is a checkpoint
 * written after a Parquet shard and the token files up to the same document were fsynced.
 */
import { appendFile, open, readFile } from 'node:fs/promises';
import type { TokenFileInfo } from '../datasets/tokenShards.js';

export interface JournalHeader {
  kind: 'header';
  version: 1;
  tokenizer_sha256: string;
  inputs: string;
  shard_docs: number;
  eot_id: number;
}

export interface JournalCheckpoint {
  kind: 'checkpoint';
  /** Documents fully written (tokens.bin prefix, its lengths and the listed shards). */
  documents: number;
  bin_bytes: number;
  shard: TokenFileInfo;
}

export async function appendJournal(path: string, entry: JournalHeader | JournalCheckpoint): Promise<void> {
  await appendFile(path, JSON.stringify(entry) + '\n');
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads the journal; a torn last line (crash mid-append) is ignored. Undefined when there is none. */
export async function readJournal(path: string): Promise<{ header: JournalHeader; checkpoints: JournalCheckpoint[] } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const entries: (JournalHeader | JournalCheckpoint)[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as JournalHeader | JournalCheckpoint);
    } catch {
      break;
    }
  }
  const [header, ...rest] = entries;
  if (!header || header.kind !== 'header') return undefined;
  return { header, checkpoints: rest.filter((e): e is JournalCheckpoint => e.kind === 'checkpoint') };
}

export function sameSettings(a: JournalHeader, b: JournalHeader): boolean {
  return a.tokenizer_sha256 === b.tokenizer_sha256 && a.inputs === b.inputs && a.shard_docs === b.shard_docs && a.eot_id === b.eot_id;
}
