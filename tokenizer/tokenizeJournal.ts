/**
 * The resume journal of `corpusforge tokenize`, a core/journal.ts JSONL journal. The first line records the
 * settings (a resume with other inputs or tokenizer is refused); each later line is a checkpoint written
 * after a Parquet shard and the token files up to the same document were fsynced.
 */
import { readJournal } from '../core/journal.js';
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

/** The header and checkpoints of a journal; undefined when there is none (or it has no header). */
export async function readTokenizeJournal(path: string): Promise<{ header: JournalHeader; checkpoints: JournalCheckpoint[] } | undefined> {
  const [header, ...rest] = (await readJournal<JournalHeader | JournalCheckpoint>(path)) ?? [];
  if (!header || header.kind !== 'header') return undefined;
  return { header, checkpoints: rest.filter((e): e is JournalCheckpoint => e.kind === 'checkpoint') };
}

export function sameSettings(a: JournalHeader, b: JournalHeader): boolean {
  return a.tokenizer_sha256 === b.tokenizer_sha256 && a.inputs === b.inputs && a.shard_docs === b.shard_docs && a.eot_id === b.eot_id;
}
