import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ShardInfo } from '../datasets/parquetShardWriter.js';
import type { InputFile } from '../datasets/inputs.js';
import { UserError } from '../core/errors.js';
import type { JournalEntry } from './journal.js';

/**
 * A docs shard as a manifest lists it. `inputs`: where its rows came from, as runs of [index of the input file
 * in the whole run's sorted input list (all ranks), rows]; absent for a live source (a crawl). The staged
 * dedup (`corpusforge dedup`) orders documents by it, so "keep the first" means first in the global input order.
 */
export interface DocsShardInfo extends ShardInfo {
  inputs?: [number, number][];
}

/** manifest.json: the finished shards of a run (rebuilt from the journal), never an unfinished one. */
export interface Manifest {
  version: 1;
  kind: 'docs';
  tool: string;
  created: string;
  /** False while a run is in progress or was interrupted; `--resume` finishes it. */
  complete: boolean;
  options_hash: string;
  inputs_hash: string;
  rank: number;
  world_size: number;
  shards: DocsShardInfo[];
  rejected: ShardInfo[];
  totals: { rows: number; bytes: number; shards: number; rejected_rows: number };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Hash of the inputs as listed (path, size): a changed input set must not be resumed silently. */
export function inputsHash(files: InputFile[]): string {
  return sha256Hex(JSON.stringify(files.map((f) => [f.path, f.bytes])));
}

/** Manifest totals over the listed shards. */
export function manifestTotals(shards: ShardInfo[], rejected: ShardInfo[]): Manifest['totals'] {
  return {
    rows: shards.reduce((n, s) => n + s.rows, 0),
    bytes: shards.reduce((n, s) => n + s.bytes, 0),
    shards: shards.length,
    rejected_rows: rejected.reduce((n, s) => n + s.rows, 0),
  };
}

export function buildManifest(
  entries: JournalEntry[],
  meta: { tool: string; optionsHash: string; inputsHash: string; rank: number; worldSize: number; complete: boolean },
): Manifest {
  const shards = entries.flatMap((e) => (e.docs ? [e.docs] : []));
  const rejected = entries.flatMap((e) => (e.rejected ? [e.rejected] : []));
  return {
    version: 1,
    kind: 'docs',
    tool: meta.tool,
    created: new Date().toISOString(),
    complete: meta.complete,
    options_hash: meta.optionsHash,
    inputs_hash: meta.inputsHash,
    rank: meta.rank,
    world_size: meta.worldSize,
    shards,
    rejected,
    totals: manifestTotals(shards, rejected),
  };
}

export async function readManifest(path: string): Promise<Manifest> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: cannot read manifest (${(e as Error).message.split('\n')[0]})`);
  }
  const m = json as Manifest;
  if (m?.version !== 1 || m.kind !== 'docs' || !Array.isArray(m.shards)) throw new UserError(`${path}: not a corpusforge docs manifest`);
  return m;
}
