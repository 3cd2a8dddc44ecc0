/**
 * `corpusforge tokenize`: documents -> token shards. Input units (JSONL lines as bytes, or documents read here)
 * are parsed and encoded in a worker pool, each Parquet shard is written by a worker, and this thread only cuts
 * lines, appends tokens.bin and checkpoints, strictly in input order: the output is identical whatever the
 * worker timing or count (tokenizeUnits.ts, tokenShardOutput.ts). Files appear only when complete (temp +
 * rename) and manifest.json, written last, lists only finished files.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Piscina } from 'piscina';
import { appendJournal } from '../core/journal.js';
import { lockOutput, type OutputLock } from '../core/outputLock.js';
import { taskPool } from '../core/taskPool.js';
import type { Document } from '../core/document.js';
import { expandInputs } from '../datasets/inputs.js';
import type { ReadOptions } from '../datasets/readers.js';
import {
  TokenBinWriter,
  TokenParquetWriter,
  dtypeForVocab,
  writeTokensManifest,
  type TokenFileInfo,
  type TokensManifest,
} from '../datasets/tokenShards.js';
import { loadTokenizerFile } from './tokenizerFile.js';
import type { EncodeTask } from './tokenizeWorker.js';
import { IdBudget, OrderedTokenOutput, RemoteShardWriter } from './tokenShardOutput.js';
import { documentUnits, fileUnits } from './inputUnits.js';
import { encodeUnit, replayReadEvents, type EncodedUnit, type InputUnit, type UnitReadOptions } from './tokenizeUnits.js';
import { readTokenizeJournal, sameSettings, type JournalCheckpoint, type JournalHeader } from './tokenizeJournal.js';

export interface TokenizeOptions {
  tokenizerPath: string;
  outDir: string;
  /** Worker threads; 0 encodes in the main thread. */
  workers?: number;
  /** Special token appended after every document (default `<|endoftext|>`). */
  eotToken?: string;
  /** Max documents per Parquet shard. */
  shardDocs?: number;
  /** Characters of text (documents) or bytes (JSONL lines) per worker task (default 1 MiB). */
  batchChars?: number;
  /** Token ids a worker's shard writers may hold before this thread waits (default 32M: 128 MiB). */
  shardBudgetIds?: number;
  /** In a split run (world size > 1) every file name carries `-r<rank>` so ranks never collide. */
  rank?: number;
  worldSize?: number;
  /** Continue an interrupted run in outDir from its last checkpoint (a finished run is returned as is). */
  resume?: boolean;
  /** Identifies the inputs (paths and sizes); a resume with different inputs is refused. */
  inputsKey?: string;
  onProgress?(documents: number, tokens: number): void;
  /** Told when the output lock of a dead owner is taken over. */
  onWarning?(message: string): void;
}

export class TokenizeError extends Error {
  override readonly name = 'TokenizeError';
}

/** File names of one rank's output. */
export function tokenFileNames(rank = 0, worldSize = 1) {
  const sfx = worldSize > 1 ? `-r${rank}` : '';
  return {
    shard: (i: number): string => `tokens${sfx}-${String(i).padStart(5, '0')}.parquet`,
    bin: `tokens${sfx}.bin`,
    idx: `tokens${sfx}.idx`,
    manifest: `manifest${sfx}.json`,
    journal: `tokens${sfx}.journal.jsonl`,
    /** Names this rank owns, to refuse overwriting an earlier run. */
    owns: (f: string): boolean => f === `manifest${sfx}.json` || f.startsWith(`tokens${sfx}.`) || f.startsWith(`tokens${sfx}-`),
  };
}

/** Tokenizes input files (paths, folders, globs); in a split run this rank takes files i % worldSize == rank. */
export async function tokenizeInputs(inputs: string[], readOptions: ReadOptions, opts: TokenizeOptions): Promise<TokensManifest> {
  const worldSize = opts.worldSize ?? 1;
  const rank = opts.rank ?? 0;
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new TokenizeError(`--rank must be in [0, --world-size); got rank ${rank}, world size ${worldSize}`);
  }
  const files = (await expandInputs(inputs)).filter((_, i) => i % worldSize === rank);
  opts = { ...opts, inputsKey: JSON.stringify(files.map((f) => [f.path, f.bytes])) };
  return tokenizeUnits((skip) => fileUnits(files, readOptions, skip, unitChars(opts)), readOptions, opts);
}

/** Tokenizes documents already read (the JSONL lines of tokenizeInputs are parsed by the workers instead). */
export async function tokenizeDocuments(docs: AsyncIterable<Document>, opts: TokenizeOptions): Promise<TokensManifest> {
  return tokenizeUnits((skip) => documentUnits(docs, skip, unitChars(opts)), {}, opts);
}

const unitChars = (opts: TokenizeOptions): number => opts.batchChars ?? 1 << 20;

async function tokenizeUnits(units: (skip: number) => AsyncIterable<InputUnit>, readOptions: ReadOptions, opts: TokenizeOptions): Promise<TokensManifest> {
  const workers = opts.workers ?? 0;
  // One writer per rank's files: a second tokenize on the same folder (a scheduler's retry while the first runs)
  // is refused before it touches anything; each rank of a split run holds its own lock.
  await mkdir(opts.outDir, { recursive: true });
  const lock = await lockOutput(opts.outDir, {
    name: (opts.worldSize ?? 1) > 1 ? `tokens-r${opts.rank ?? 0}` : 'tokens',
    command: 'corpusforge tokenize',
    onTakeover: opts.onWarning,
  });
  // Started first: the threads boot (~0.3 s each through the tsx loader) while this thread loads the tokenizer.
  // Tasks per worker: its encode tasks queued plus the shard tasks (long-lived, waiting on their port) it holds.
  const pool = workers > 0
    ? taskPool(new URL('./tokenizeWorker.ts', import.meta.url), { threads: workers, concurrentTasksPerWorker: 8 })
    : undefined;
  try {
    return await tokenizeWith(units, readOptions, opts, pool, lock);
  } finally {
    await pool?.destroy();
    await lock.release();
  }
}

async function tokenizeWith(
  units: (skip: number) => AsyncIterable<InputUnit>,
  readOptions: ReadOptions,
  opts: TokenizeOptions,
  pool: Piscina | undefined,
  lock: OutputLock,
): Promise<TokensManifest> {
  const workers = opts.workers ?? 0;
  const { tokenizer, sha256 } = await loadTokenizerFile(opts.tokenizerPath);
  const eotToken = opts.eotToken ?? '<|endoftext|>';
  const eotId = tokenizer.specialId(eotToken);
  if (eotId === undefined) throw new TokenizeError(`the tokenizer has no special token '${eotToken}' (choose one with --eot)`);
  const names = tokenFileNames(opts.rank, opts.worldSize);
  const at = (f: string): string => join(opts.outDir, f);
  await mkdir(opts.outDir, { recursive: true });
  const existing = (await readdir(opts.outDir)).filter(names.owns);
  const shardDocs = opts.shardDocs ?? 100_000;
  const header: JournalHeader = {
    kind: 'header', version: 1, tokenizer_sha256: sha256, inputs: opts.inputsKey ?? '', shard_docs: shardDocs, eot_id: eotId,
  };
  const files: TokenFileInfo[] = [];
  let skip = 0;
  let resumeFrom: { documents: number; binBytes: number } | undefined;
  if (!opts.resume && existing.length) {
    throw new TokenizeError(`${opts.outDir} already holds token files (${existing[0]}); use a new folder or --resume`);
  }
  if (opts.resume && existing.includes(names.manifest)) {
    const done = JSON.parse(await readFile(at(names.manifest), 'utf8')) as TokensManifest;
    if (done.tokenizer_sha256 !== sha256) {
      throw new TokenizeError(`${opts.outDir} was finished with another tokenizer (sha256 ${done.tokenizer_sha256.slice(0, 12)}...); use a new folder`);
    }
    return done;
  }
  const journal = opts.resume ? await readTokenizeJournal(at(names.journal)) : undefined;
  if (journal && !sameSettings(journal.header, header)) {
    throw new TokenizeError(`${opts.outDir}: the inputs, tokenizer or settings changed since the interrupted run; use a new folder`);
  }
  const last = journal?.checkpoints.at(-1);
  if (last) {
    files.push(...journal!.checkpoints.map((c) => c.shard));
    skip = last.documents;
    resumeFrom = { documents: last.documents, binBytes: last.bin_bytes };
  }
  // Whatever this rank left that no checkpoint lists is an unfinished write: remove it.
  const keep = new Set([...files.map((f) => f.file), names.journal, ...(resumeFrom ? [`${names.bin}.tmp`, `${names.bin}.lengths.tmp`] : [])]);
  for (const f of existing) if (!keep.has(f)) await rm(at(f), { force: true });
  for (const f of await readdir(opts.outDir)) if (f.endsWith('.tmp') && names.owns(f) && !keep.has(f)) await rm(at(f), { force: true });
  if (!journal?.checkpoints.length) {
    await rm(at(names.journal), { force: true });
    await appendJournal(at(names.journal), header);
  }

  const vocabSize = tokenizer.vocabSize;
  const dtype = dtypeForVocab(vocabSize);
  const bin = new TokenBinWriter(at(names.bin), at(names.idx), dtype, eotId);
  await bin.open(resumeFrom);
  // Token ids sent to shard writers and not yet Parquet-encoded: 32M (128 MiB) a worker. A shard's Parquet is
  // one stream, written by one worker; shards run in parallel only as far as their rows fit in this budget.
  const budget = new IdBudget(Math.max(1, workers) * (opts.shardBudgetIds ?? 32 << 20));
  const output = new OrderedTokenOutput({
    bin,
    shardDocs,
    firstShard: files.length,
    startDocuments: skip,
    openShard: (i) => (pool ? new RemoteShardWriter(pool, at(names.shard(i)), budget) : new TokenParquetWriter(at(names.shard(i)))),
    checkpoint: async (info, documents) => {
      files.push(info);
      await bin.sync();
      const checkpoint: JournalCheckpoint = { kind: 'checkpoint', documents, bin_bytes: bin.bytesFor(documents), shard: info };
      lock.assertHeld();
      await appendJournal(at(names.journal), checkpoint);
    },
    // Inline, a shard finishes before the next starts, as it always did; with workers, 2 per worker at most.
    maxFinishing: pool ? 2 * workers : 0,
  });
  const layout = { dtype, eotId };
  const unitReadOptions: UnitReadOptions = {
    textField: readOptions.textField, strict: readOptions.strict, maxDocumentBytes: readOptions.maxDocumentBytes,
  };
  const shared = pool ? tokenizer.toShared() : undefined;
  const encode = (unit: InputUnit): Promise<EncodedUnit> => {
    if (!pool) return Promise.resolve(encodeUnit(tokenizer, unit, unitReadOptions, layout));
    // The shared model travels by reference (SharedArrayBuffer), adopted once per worker; JSONL bytes move.
    const task: EncodeTask = { kind: 'encode', unit, readOptions: unitReadOptions, layout, tokenizer: shared!, tokenizerKey: sha256 };
    const result = pool.run(task, { transferList: unit.kind === 'jsonl' ? [unit.data.buffer as ArrayBuffer] : [] }) as Promise<EncodedUnit>;
    result.catch(() => undefined); // awaited in order below
    return result;
  };
  const inflight: Promise<EncodedUnit>[] = [];
  const drainOne = async (): Promise<void> => {
    const r = await inflight.shift()!;
    replayReadEvents(r, readOptions);
    await output.add(r);
    opts.onProgress?.(bin.documents, bin.totalTokens);
  };
  try {
    for await (const unit of units(skip)) {
      inflight.push(encode(unit));
      // Enough units in flight to keep every worker busy while this thread waits on the oldest.
      while (inflight.length > Math.max(1, workers * 3)) await drainOne();
    }
    while (inflight.length) await drainOne();
    await output.finish();
  } catch (e) {
    await output.abandon();
    await bin.abandon();
    throw e;
  }
  const [binInfo, idxInfo] = await bin.finish();
  files.push(binInfo, idxInfo);
  const manifest: TokensManifest = {
    version: 1,
    kind: 'tokens',
    vocab_size: vocabSize,
    eot_id: eotId,
    dtype,
    total_tokens: bin.totalTokens,
    documents: bin.documents,
    files,
    tokenizer_sha256: sha256,
    ...((opts.worldSize ?? 1) > 1 ? { rank: opts.rank ?? 0, world_size: opts.worldSize } : {}),
  };
  lock.assertHeld();
  await writeTokensManifest(at(names.manifest), manifest);
  await rm(at(names.journal), { force: true });
  return manifest;
}
