/**
 * The corpus a staged dedup reads: a curate output folder, split into parts by the rank that wrote them
 * (`manifest-rR.json`, or one `manifest.json`). Each document gets its global position (g, s): g the index of
 * its input file in the whole run's sorted input list (manifest shard `inputs`), s its sequence number in its
 * part. Sorting by (g, s) is the order a single curate process over all the inputs would have met the
 * documents in, so "keep the first" decides as it would. A corpus whose shards do not say where their rows
 * came from (a crawl's live stream, an older corpusforge) is ordered by part, then sequence (g = part rank).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { readParquetDocuments } from '../../datasets/parquetReader.js';
import { readManifest, type DocsShardInfo, type Manifest } from '../manifest.js';

/** Positions are packed as g * 2^32 + s in a double (exact below 2^53): g stays under 2^21. */
export const MAX_FILE_INDEX = 2 ** 21 - 1;

export interface CorpusPart {
  /** The rank of the curate run that wrote it (0 for a single manifest.json). */
  rank: number;
  manifest: Manifest;
}

export interface DedupCorpus {
  dir: string;
  parts: CorpusPart[];
  /** `input`: ordered by the input files the shards record; `rank`: by part, then sequence. */
  order: 'input' | 'rank';
  /** The curate run's world size (1 for a single manifest.json): the output keeps its rank layout. */
  worldSize: number;
}

/** Reads the corpus's manifests; refuses a folder that is not a finished curate output. */
export async function openCorpus(dir: string): Promise<DedupCorpus> {
  const names = await readdir(dir).catch(() => {
    throw new UserError(`${dir}: no such directory (--input names a curate output folder)`);
  });
  const rankNames = names.filter((n) => /^manifest-r\d+\.json$/.test(n));
  let parts: CorpusPart[];
  let worldSize = 1;
  if (rankNames.length > 0) {
    parts = await Promise.all(rankNames.map(async (n) => ({ rank: Number(/\d+/.exec(n)![0]), manifest: await readManifest(join(dir, n)) })));
    parts.sort((a, b) => a.rank - b.rank);
    worldSize = parts[0]!.manifest.world_size;
    const missing = [...Array(worldSize).keys()].filter((r) => !parts.some((p) => p.rank === r));
    if (missing.length) throw new UserError(`${dir}: ranks ${missing.join(', ')} of ${worldSize} have no manifest yet (run curate for them first)`);
  } else if (names.includes('manifest.json')) {
    parts = [{ rank: 0, manifest: await readManifest(join(dir, 'manifest.json')) }];
  } else {
    throw new UserError(`${dir}: not a curate output folder (no manifest.json or manifest-rN.json)`);
  }
  for (const p of parts) {
    if (!p.manifest.complete) throw new UserError(`${dir}: rank ${p.rank} of the curate run has not finished (resume it with --resume)`);
  }
  const recorded = (s: DocsShardInfo) => Array.isArray(s.inputs) && s.inputs.reduce((n, r) => n + r[1], 0) === s.rows;
  const order = parts.every((p) => p.manifest.shards.every(recorded)) ? 'input' : 'rank';
  return { dir, parts, order, worldSize };
}

/** A document with its global position. */
export interface PositionedDoc {
  doc: Document;
  g: number;
  s: number;
}

/** The documents of one part in order, each with its position; checks the shards hold what the manifest says. */
export async function* partDocuments(corpus: DedupCorpus, part: CorpusPart): AsyncGenerator<PositionedDoc> {
  let s = 0;
  for (const shard of part.manifest.shards) {
    const path = join(corpus.dir, shard.file);
    const runs = corpus.order === 'input' ? shard.inputs! : [[part.rank, shard.rows] as [number, number]];
    let run = 0;
    let left = runs[0]?.[1] ?? 0;
    let rows = 0;
    for await (const doc of readParquetDocuments(path)) {
      while (left === 0 && run + 1 < runs.length) left = runs[++run]![1];
      const g = runs[run]![0];
      if (g > MAX_FILE_INDEX) throw new UserError(`${path}: input file index ${g} is over ${MAX_FILE_INDEX}`);
      yield { doc, g, s: s++ };
      left--;
      rows++;
    }
    if (rows !== shard.rows) throw new UserError(`${path}: holds ${rows} documents, its manifest says ${shard.rows}`);
  }
}
