import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/** manifest.json written by `corpusforge tokenize` next to tokens.bin / tokens.idx / tokens-NNNNN.parquet. */
export interface TokenManifest {
  version: 1;
  kind: 'tokens';
  vocab_size: number;
  eot_id: number;
  dtype: 'uint16' | 'uint32';
  total_tokens: number;
  documents: number;
  /** Files of the dataset: names, or `{ file, bytes, sha256 }` records (what `corpusforge tokenize` writes). */
  files: Array<string | { file: string; bytes?: number }>;
}

/** A half-open token range [start, end) of tokens.bin. */
export interface TokenRange {
  start: number;
  end: number;
}

export interface TokenDatasetOptions {
  /** Fraction of tokens held out for validation (the tail of tokens.bin, starting at a document boundary). */
  valFraction?: number;
  /** Data-parallel rank and world size: each rank samples from its own slice of the training range. */
  rank?: number;
  worldSize?: number;
}

/** A batch of B windows: inputs and next-token targets, both row-major [B, T]. */
export interface TokenBatch {
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

/**
 * What the trainer and `eval` read: tokens.bin (TokenDataset) or the Parquet input_ids shards
 * (ParquetTokenDataset). Both expose the same token stream (each document's ids followed by the end-of-text
 * id), so the same seed and cursor give the same windows from either form.
 */
export interface TokenSource {
  readonly format: 'bin' | 'parquet';
  readonly dir: string;
  readonly manifest: TokenManifest;
  readonly train: TokenRange;
  readonly val: TokenRange;
  requireWindow(range: TokenRange, seqLen: number, what: string): void;
  trainBatch(cursor: number, batchSize: number, seqLen: number, seed: number, rank?: number): TokenBatch | Promise<TokenBatch>;
  valBatches(batchSize: number, seqLen: number, maxBatches: number): Iterable<TokenBatch> | AsyncIterable<TokenBatch>;
  close(): void;
}

const IDX_MAGIC = Buffer.from('MMIDIDX\0\0', 'latin1');
const IDX_DTYPE: Record<number, TokenManifest['dtype']> = { 8: 'uint16', 4: 'uint32' };

/** Reads and checks a token folder's manifest.json. */
export function readTokenManifest(dir: string): TokenManifest {
  if (!existsSync(dir)) throw new UserError(`token data directory ${dir} does not exist`);
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new UserError(`${dir} is not a token dataset: manifest.json is missing (run 'corpusforge tokenize' first)`);
  let m: Partial<TokenManifest>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Partial<TokenManifest>;
  } catch (e) {
    throw new UserError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  if (m.kind !== 'tokens' || m.version !== 1) throw new UserError(`${file}: expected kind "tokens", version 1`);
  for (const k of ['vocab_size', 'eot_id', 'total_tokens', 'documents'] as const) {
    if (!Number.isInteger(m[k]) || (m[k] as number) < 0) throw new UserError(`${file}: "${k}" must be a non-negative integer`);
  }
  if (m.dtype !== 'uint16' && m.dtype !== 'uint32') throw new UserError(`${file}: "dtype" must be uint16 or uint32`);
  if (!Array.isArray(m.files)) throw new UserError(`${file}: "files" must be a list`);
  return m as TokenManifest;
}

/** Checks the Megatron MMIDIDX header agrees with the manifest (dtype and document count). */
function checkIndex(file: string, manifest: TokenManifest): void {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(34);
    if (readSync(fd, head, 0, 34, 0) < 34 || !head.subarray(0, 9).equals(IDX_MAGIC)) {
      throw new UserError(`${file}: not a Megatron MMIDIDX index`);
    }
    const dtype = IDX_DTYPE[head.readUInt8(17)];
    if (dtype !== manifest.dtype) throw new UserError(`${file}: index dtype ${dtype ?? head.readUInt8(17)} disagrees with manifest dtype ${manifest.dtype}`);
    const docs = Number(head.readBigUInt64LE(26));
    if (docs !== manifest.documents + 1 && docs !== manifest.documents) {
      throw new UserError(`${file}: index lists ${docs} document entries, manifest says ${manifest.documents} documents`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Stateless 32-bit mix (splitmix32 finaliser): window positions are a pure function of (seed, rank, index). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Uniform double in [0, 1) with 53 random bits from (seed, rank, index). */
function uniform(seed: number, rank: number, index: number): number {
  const a = mix32(mix32(seed ^ Math.imul(rank, 0x27d4eb2d)) ^ (index | 0));
  const hi = mix32(a ^ Math.floor(index / 2 ** 32));
  const lo = mix32(hi ^ 0x68e31da4);
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
}

/** Names of the manifest's files; a UserError naming any that are listed but absent (and `needed`). */
export function listedFiles(dir: string, manifest: TokenManifest, needed: (name: string) => boolean = () => true): string[] {
  const names = manifest.files.map((f) => (typeof f === 'string' ? f : f.file));
  if (names.some((f) => typeof f !== 'string')) throw new UserError(`${dir}/manifest.json: every "files" entry needs a file name`);
  const missing = names.filter((f) => needed(f) && !existsSync(path.join(dir, f)));
  if (missing.length) throw new UserError(`${dir}: missing shard(s) listed in manifest.json: ${missing.join(', ')}`);
  return names;
}

/** The validation fraction as a checked number (default 5%). */
export function checkedValFraction(opts: TokenDatasetOptions): number {
  const valFraction = opts.valFraction ?? 0.05;
  if (!(valFraction >= 0 && valFraction < 1)) throw new UserError(`validation fraction must be in [0, 1), got ${valFraction}`);
  return valFraction;
}

/** Token position from which the validation split is searched (it starts at the next document start). */
export function splitSearchStart(total: number, valFraction: number): number {
  return Math.floor(total * (1 - valFraction));
}

/** This rank's training range and the validation range, given where the validation split starts. */
export function splitRanges(total: number, split: number, opts: TokenDatasetOptions): { train: TokenRange; val: TokenRange } {
  const world = opts.worldSize ?? 1;
  const rank = opts.rank ?? 0;
  if (!Number.isInteger(world) || world < 1 || !Number.isInteger(rank) || rank < 0 || rank >= world) {
    throw new UserError(`rank must be in [0, world size), got rank ${rank}, world size ${world}`);
  }
  return { train: { start: Math.floor((split * rank) / world), end: Math.floor((split * (rank + 1)) / world) }, val: { start: split, end: total } };
}

/** Checks a split can hold one window of seqLen + 1 tokens; names the numbers when it cannot. */
export function requireWindowIn(manifest: TokenManifest, range: TokenRange, seqLen: number, what: string): void {
  const have = range.end - range.start;
  if (have < seqLen + 1) {
    throw new UserError(
      `context ${seqLen} needs at least ${seqLen + 1} tokens in the ${what} split, but it has ${have} ` +
        `(${manifest.total_tokens} tokens in ${manifest.documents} documents): use a smaller --context or more data`,
    );
  }
}

/** Start of training window `index`: a pure function of (seed, rank, index), uniform over the range. */
export function trainWindowStart(train: TokenRange, seqLen: number, seed: number, rank: number, index: number): number {
  return train.start + Math.floor(uniform(seed, rank, index) * (train.end - train.start - seqLen));
}

/** Copies window `w` (seqLen + 1 tokens) into row `row` of a batch: inputs w[0..T), targets w[1..T]. */
export function putWindow(batch: TokenBatch, row: number, w: Int32Array): void {
  batch.inputs.set(w.subarray(0, batch.seqLen), row * batch.seqLen);
  batch.targets.set(w.subarray(1, batch.seqLen + 1), row * batch.seqLen);
}

export function emptyBatch(batchSize: number, seqLen: number): TokenBatch {
  return { inputs: new Int32Array(batchSize * seqLen), targets: new Int32Array(batchSize * seqLen), batchSize, seqLen };
}

/** Consecutive validation windows: batch n covers `rows` windows of seqLen tokens from `pos` (+1 target). */
export function* valWindowPlan(val: TokenRange, batchSize: number, seqLen: number, maxBatches: number): Generator<{ pos: number; rows: number }> {
  let pos = val.start;
  for (let n = 0; n < maxBatches; n++) {
    const rows = Math.min(batchSize, Math.floor((val.end - pos - 1) / seqLen));
    if (rows <= 0) return;
    yield { pos, rows };
    pos += rows * seqLen;
  }
}

/** Cuts `rows` consecutive windows out of w (rows * seqLen + 1 tokens read from the plan's position). */
export function valBatchFrom(w: Int32Array, rows: number, seqLen: number): TokenBatch {
  const b = emptyBatch(rows, seqLen);
  for (let r = 0; r < rows; r++) putWindow(b, r, w.subarray(r * seqLen, (r + 1) * seqLen + 1));
  return b;
}

/**
 * Random-access view of a token directory's tokens.bin, read with positional reads (never loaded whole).
 * Training windows are drawn at positions derived from (seed, rank, sample index), so the sample index is the
 * whole data cursor: a resumed run continues with exactly the windows an uninterrupted run would have seen.
 */
export class TokenDataset implements TokenSource {
  readonly format = 'bin';
  readonly manifest: TokenManifest;
  readonly dir: string;
  readonly train: TokenRange;
  readonly val: TokenRange;
  private readonly fd: number;
  private readonly bytesPerToken: number;

  private constructor(dir: string, manifest: TokenManifest, fd: number, train: TokenRange, val: TokenRange) {
    this.dir = dir;
    this.manifest = manifest;
    this.fd = fd;
    this.bytesPerToken = manifest.dtype === 'uint16' ? 2 : 4;
    this.train = train;
    this.val = val;
  }

  static open(dir: string, opts: TokenDatasetOptions = {}): TokenDataset {
    const manifest = readTokenManifest(dir);
    listedFiles(dir, manifest);
    const bin = path.join(dir, 'tokens.bin');
    if (!existsSync(bin)) throw new UserError(`${dir}: tokens.bin is missing (re-run 'corpusforge tokenize', or train on the Parquet shards with --data-format parquet)`);
    const idx = path.join(dir, 'tokens.idx');
    if (existsSync(idx)) checkIndex(idx, manifest);
    const valFraction = checkedValFraction(opts);
    const fd = openSync(bin, 'r');
    try {
      const bytesPerToken = manifest.dtype === 'uint16' ? 2 : 4;
      const size = fstatSync(fd).size;
      if (size !== manifest.total_tokens * bytesPerToken) {
        throw new UserError(`${bin}: ${size} bytes, but manifest says ${manifest.total_tokens} ${manifest.dtype} tokens (${manifest.total_tokens * bytesPerToken} bytes): file truncated or from another run`);
      }
      const probe = new TokenDataset(dir, manifest, fd, { start: 0, end: 0 }, { start: 0, end: 0 });
      const split = valFraction > 0 ? probe.documentStartAtOrAfter(splitSearchStart(manifest.total_tokens, valFraction)) : manifest.total_tokens;
      const { train, val } = splitRanges(manifest.total_tokens, split, opts);
      return new TokenDataset(dir, manifest, fd, train, val);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Reads `count` tokens starting at token `start`. */
  read(start: number, count: number): Int32Array {
    const bytes = count * this.bytesPerToken;
    const buf = Buffer.allocUnsafe(bytes);
    let done = 0;
    while (done < bytes) {
      const n = readSync(this.fd, buf, done, bytes - done, start * this.bytesPerToken + done);
      if (n === 0) throw new UserError(`${this.dir}/tokens.bin: unexpected end of file at token ${start + done / this.bytesPerToken}`);
      done += n;
    }
    const src = this.bytesPerToken === 2
      ? new Uint16Array(buf.buffer, buf.byteOffset, count)
      : new Uint32Array(buf.buffer, buf.byteOffset, count);
    const out = Int32Array.from(src);
    for (let i = 0; i < count; i++) {
      if (out[i]! >= this.manifest.vocab_size || out[i]! < 0) {
        throw new UserError(`${this.dir}/tokens.bin: token id ${src[i]} at position ${start + i} is outside the vocabulary (size ${this.manifest.vocab_size})`);
      }
    }
    return out;
  }

  /** First document start at or after token `pos` (scans forward for the end-of-text id in chunks). */
  private documentStartAtOrAfter(pos: number): number {
    const total = this.manifest.total_tokens;
    if (pos <= 0) return 0;
    let at = pos - 1; // a document starts right after an end-of-text token
    const chunk = 65536;
    while (at < total) {
      const n = Math.min(chunk, total - at);
      const toks = this.read(at, n);
      const i = toks.indexOf(this.manifest.eot_id);
      if (i >= 0) return at + i + 1;
      at += n;
    }
    return total;
  }

  requireWindow(range: TokenRange, seqLen: number, what: string): void {
    requireWindowIn(this.manifest, range, seqLen, what);
  }

  /** B random training windows for sample indices [cursor, cursor + B); deterministic from seed, rank, cursor. */
  trainBatch(cursor: number, batchSize: number, seqLen: number, seed: number, rank = 0): TokenBatch {
    this.requireWindow(this.train, seqLen, 'training');
    const batch = emptyBatch(batchSize, seqLen);
    for (let b = 0; b < batchSize; b++) putWindow(batch, b, this.read(trainWindowStart(this.train, seqLen, seed, rank, cursor + b), seqLen + 1));
    return batch;
  }

  /** Consecutive non-overlapping validation windows, the same on every call (so evaluations compare). */
  *valBatches(batchSize: number, seqLen: number, maxBatches: number): Generator<TokenBatch> {
    this.requireWindow(this.val, seqLen, 'validation');
    for (const { pos, rows } of valWindowPlan(this.val, batchSize, seqLen, maxBatches)) yield valBatchFrom(this.read(pos, rows * seqLen + 1), rows, seqLen);
  }
}
