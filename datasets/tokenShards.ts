/**
 * Token shard formats written by `corpusforge tokenize`, read by trainers:
 * - tokens.bin: flat little-endian uint16 (vocab <= 65536) or uint32 token ids; each document's tokens are
 *   followed by the end-of-text id (nanoGPT's train.bin layout).
 * - tokens.idx: Megatron-LM's MMIDIDX index over tokens.bin, one sequence per document (its EOT included).
 * - tokens-NNNNN.parquet: `id` string, `input_ids` list<int32> (the document's tokens, no EOT).
 * Every file is written to a temp name, fsynced and renamed, so a listed file is always complete.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { arrow } from './arrowBundle.js';
import { writeHashedFile } from './hashedFile.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomicFile.js';
import { tokenBinRecords, type TokenDtype } from './tokenBinRecords.js';
import * as pw from 'parquet-wasm/node';

export type { TokenDtype } from './tokenBinRecords.js';
export { tokenBinRecords };

export interface TokenFileInfo {
  /** Name relative to the dataset folder. */
  file: string;
  bytes: number;
  sha256: string;
  rows?: number;
}

/** manifest.json of a token dataset. Field names are read by trainers: keep them stable. */
export interface TokensManifest {
  version: 1;
  kind: 'tokens';
  vocab_size: number;
  eot_id: number;
  dtype: TokenDtype;
  total_tokens: number;
  documents: number;
  files: TokenFileInfo[];
  tokenizer_sha256: string;
  /** Present in the per-rank manifests of a split run (`tokenize --rank R --world-size W`). */
  rank?: number;
  world_size?: number;
}

export const MMIDIDX_MAGIC = Buffer.from('MMIDIDX\x00\x00', 'latin1');

/**
 * Megatron's DType codes: 1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6 float64, 7 float32, 8 uint16.
 * Megatron has no uint32: ids >= 65536 are written as uint32, whose bytes equal int32's for ids < 2^31.
 */
export const MEGATRON_DTYPE_CODE: Readonly<Record<TokenDtype, number>> = { uint16: 8, uint32: 4 };

export function dtypeForVocab(vocabSize: number): TokenDtype {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

export const bytesPerToken = (d: TokenDtype): number => (d === 'uint16' ? 2 : 4);

async function writeAtomic(path: string, data: Uint8Array): Promise<TokenFileInfo> {
  await writeFileAtomic(path, data);
  return { file: basename(path), bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** The .idx bytes for sequences of the given lengths (in tokens), one sequence per document. */
export function encodeMegatronIndex(lengths: ArrayLike<number>, dtype: TokenDtype): Buffer {
  const n = lengths.length;
  const head = Buffer.alloc(9 + 8 + 1 + 8 + 8);
  MMIDIDX_MAGIC.copy(head, 0);
  head.writeBigUInt64LE(1n, 9);
  head.writeUInt8(MEGATRON_DTYPE_CODE[dtype], 17);
  head.writeBigUInt64LE(BigInt(n), 18);
  head.writeBigUInt64LE(BigInt(n + 1), 26); // document_indices = [0, 1, ..., n]: Megatron's "end of doc" list
  const lens = new Int32Array(n);
  const pointers = new BigInt64Array(n);
  const docs = new BigInt64Array(n + 1);
  let offset = 0n;
  const item = BigInt(bytesPerToken(dtype));
  for (let i = 0; i < n; i++) {
    lens[i] = lengths[i]!;
    pointers[i] = offset;
    offset += BigInt(lengths[i]!) * item;
    docs[i + 1] = BigInt(i + 1);
  }
  return Buffer.concat([head, Buffer.from(lens.buffer), Buffer.from(pointers.buffer), Buffer.from(docs.buffer)]);
}

/**
 * Reads the sequence lengths (in tokens) and dtype of a tokens.idx written by `encodeMegatronIndex`
 * (one sequence per document); throws with the path on anything else.
 */
export function readMegatronIndex(buf: Buffer, path: string): { dtype: TokenDtype; lengths: Int32Array } {
  const bad = (why: string): Error => new Error(`${path}: not a tokens.idx (${why})`);
  if (buf.length < 34 || !buf.subarray(0, 9).equals(MMIDIDX_MAGIC)) throw bad('no MMIDIDX header');
  if (buf.readBigUInt64LE(9) !== 1n) throw bad('version is not 1');
  const code = buf.readUInt8(17);
  const dtype = (Object.keys(MEGATRON_DTYPE_CODE) as TokenDtype[]).find((d) => MEGATRON_DTYPE_CODE[d] === code);
  if (!dtype) throw bad(`dtype code ${code}`);
  const n = Number(buf.readBigUInt64LE(18));
  const docs = Number(buf.readBigUInt64LE(26));
  if (docs !== n + 1 || buf.length !== 34 + n * 4 + n * 8 + docs * 8) throw bad('sizes do not match one sequence per document');
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = buf.readInt32LE(34 + 4 * i);
  return { dtype, lengths };
}

/**
 * Streams tokens.bin (document tokens + EOT each) and, on finish, writes tokens.idx. Memory: 4 bytes per
 * document for the lengths; tokens go straight to disk. The lengths are also appended to a sidecar file so an
 * interrupted run can resume from a checkpoint (`open(resume)`).
 */
export class TokenBinWriter {
  private fh?: FileHandle;
  private lengthsFh?: FileHandle;
  private hash: Hash = createHash('sha256');
  private bytes = 0;
  private lengths: number[] = [];
  totalTokens = 0;

  constructor(
    readonly binPath: string,
    readonly idxPath: string,
    readonly dtype: TokenDtype,
    readonly eotId: number,
  ) {}

  private get lengthsPath(): string {
    return `${this.binPath}.lengths.tmp`;
  }

  /** Opens for writing; with `resume`, keeps the first `documents` documents of an earlier run's temp files. */
  async open(resume?: { documents: number; binBytes: number }): Promise<void> {
    if (!resume) {
      this.fh = await open(`${this.binPath}.tmp`, 'w');
      this.lengthsFh = await open(this.lengthsPath, 'w');
      return;
    }
    const lens = await readFile(this.lengthsPath);
    if (lens.length < resume.documents * 4) throw new Error(`${this.lengthsPath} is shorter than its checkpoint`);
    for (let i = 0; i < resume.documents; i++) this.lengths.push(lens.readInt32LE(4 * i));
    this.fh = await open(`${this.binPath}.tmp`, 'r+');
    await this.fh.truncate(resume.binBytes);
    this.lengthsFh = await open(this.lengthsPath, 'r+');
    await this.lengthsFh.truncate(resume.documents * 4);
    // Re-hash the kept prefix so the manifest's sha256 covers the whole file.
    for await (const chunk of this.fh.createReadStream({ start: 0, end: Math.max(0, resume.binBytes - 1), autoClose: false })) {
      if (resume.binBytes > 0) this.hash.update(chunk as Buffer);
    }
    this.bytes = resume.binBytes;
    this.totalTokens = resume.binBytes / bytesPerToken(this.dtype);
  }

  /** Appends documents given as a flat id array plus per-document lengths (EOT is added here). */
  async append(flat: ArrayLike<number>, docLengths: ArrayLike<number>): Promise<void> {
    await this.appendRecords(tokenBinRecords(flat, docLengths, this.dtype, this.eotId), docLengths);
  }

  /**
   * Appends documents already laid out as tokens.bin bytes (`tokenBinRecords`, e.g. by a worker) with their
   * token counts without EOT.
   */
  async appendRecords(bytes: Uint8Array, docLengths: ArrayLike<number>): Promise<void> {
    const lens = new Int32Array(docLengths.length);
    for (let d = 0; d < docLengths.length; d++) {
      lens[d] = docLengths[d]! + 1;
      this.lengths.push(lens[d]!);
    }
    this.hash.update(bytes);
    // Explicit positions: a handle reopened for resume starts at offset 0, not at the end.
    await this.fh!.write(bytes, 0, bytes.length, this.bytes);
    const lengthsAt = (this.lengths.length - docLengths.length) * 4;
    await this.lengthsFh!.write(new Uint8Array(lens.buffer), 0, lens.byteLength, lengthsAt);
    this.bytes += bytes.length;
    this.totalTokens += bytes.length / bytesPerToken(this.dtype);
  }

  get documents(): number {
    return this.lengths.length;
  }

  /** Bytes of tokens.bin taken by the first `documents` documents. */
  bytesFor(documents: number): number {
    let tokens = 0;
    for (let i = 0; i < documents; i++) tokens += this.lengths[i]!;
    return tokens * bytesPerToken(this.dtype);
  }

  /** fsyncs the temp files, so a checkpoint recorded after this survives a crash. */
  async sync(): Promise<void> {
    await this.fh!.sync();
    await this.lengthsFh!.sync();
  }

  /** fsyncs and renames tokens.bin, then writes tokens.idx; returns both files' info. */
  async finish(): Promise<[TokenFileInfo, TokenFileInfo]> {
    await this.fh!.sync();
    await this.fh!.close();
    await this.lengthsFh!.close();
    await rename(`${this.binPath}.tmp`, this.binPath);
    const bin: TokenFileInfo = { file: basename(this.binPath), bytes: this.bytes, sha256: this.hash.digest('hex') };
    const idx = await writeAtomic(this.idxPath, encodeMegatronIndex(this.lengths, this.dtype));
    await rm(this.lengthsPath, { force: true });
    return [bin, idx];
  }

  /** Closes the files without finishing (after a failure; the temp files stay for a resume). */
  async abandon(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    await this.lengthsFh?.close().catch(() => undefined);
  }
}

/**
 * Parquet writer properties for token shards: zstd, fixed row groups, no dictionary and no statistics.
 * Token ids barely repeat within a page, so dictionary encoding cost 2x the write time for a larger file
 * (32 MB of text: 1.1-1.4 s and 8.1 MB with it, 0.5-0.6 s and 6.3 MB without; docs/decisions.md).
 */
function tokenParquetProperties(rowGroupRows: number): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(pw.EnabledStatistics.None)
    .setMaxRowGroupSize(rowGroupRows)
    .setCreatedBy('corpusforge')
    .build();
}

const INPUT_IDS_TYPE = new arrow.List(new arrow.Field('item', new arrow.Int32(), false));

/**
 * One Parquet token shard (`id` utf8, `input_ids` list<int32>) written while documents arrive: rows are
 * re-cut into record batches of exactly `rowGroupRows` (so the bytes do not depend on how callers batch),
 * encoded and compressed by parquet-wasm as a stream. Memory: about one row group. Written to `path.tmp`,
 * renamed on finish().
 */
export class TokenParquetWriter {
  private ids: string[] = [];
  private parts: Int32Array[] = [];
  private lengths: number[] = [];
  private rows = 0;
  private readonly queue: pw.RecordBatch[] = [];
  private wake?: () => void;
  private drained?: () => void;
  private closed = false;
  private failure: unknown;
  private readonly done: Promise<{ bytes: number; sha256: string }>;

  constructor(
    readonly path: string,
    private readonly rowGroupRows = 10_000,
  ) {
    const batches = new ReadableStream<pw.RecordBatch>({
      pull: async (controller) => {
        while (this.queue.length === 0 && !this.closed) await new Promise<void>((r) => (this.wake = r));
        const next = this.queue.shift();
        if (this.queue.length === 0) this.drained?.();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    }, { highWaterMark: 0 });
    // parquet-wasm directly, not parquetShardWriter's helper: that module loads Arrow's ESM build, which a
    // tokenize worker does not need (arrowBundle.ts).
    this.done = pw.transformParquetStream(batches, tokenParquetProperties(rowGroupRows))
      .then((bytes) => writeHashedFile(`${path}.tmp`, bytes as ReadableStream<Uint8Array>));
    // Surfaced by finish(); a writer that died also releases an append waiting for it.
    this.done.catch((e: unknown) => {
      this.failure = e;
      this.drained?.();
    });
  }

  /** Adds documents: ids, their tokens concatenated (`flat`), tokens per document. */
  async append(ids: readonly string[], flat: Int32Array, lengths: ArrayLike<number>): Promise<void> {
    let off = 0;
    for (let i = 0; i < ids.length; i++) {
      const len = lengths[i]!;
      this.ids.push(ids[i]!);
      this.parts.push(flat.subarray(off, off + len));
      this.lengths.push(len);
      off += len;
      if (this.ids.length === this.rowGroupRows) await this.emit();
    }
  }

  private async emit(): Promise<void> {
    const n = this.ids.length;
    if (n === 0) return;
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + this.lengths[i]!;
    const values = new Int32Array(offsets[n]!);
    for (let i = 0; i < n; i++) values.set(this.parts[i]!, offsets[i]!);
    const child = arrow.makeData({ type: new arrow.Int32(), length: values.length, data: values });
    const list = arrow.makeData({ type: INPUT_IDS_TYPE, length: n, nullCount: 0, valueOffsets: offsets, child });
    const table = new arrow.Table({ id: arrow.vectorFromArray(this.ids, new arrow.Utf8()), input_ids: arrow.makeVector(list) });
    this.rows += n;
    this.ids = [];
    this.parts = [];
    this.lengths = [];
    for (const rb of pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')).recordBatches()) this.queue.push(rb);
    this.wake?.();
    // Back-pressure: at most one row group waits for the encoder.
    while (this.queue.length > 1 && this.failure === undefined) await new Promise<void>((r) => (this.drained = r));
    if (this.failure !== undefined) throw this.failure;
  }

  /** Writes the last rows, fsyncs and renames; returns the file's info. */
  async finish(): Promise<TokenFileInfo> {
    await this.emit();
    this.closed = true;
    this.wake?.();
    const { bytes, sha256 } = await this.done;
    await rename(`${this.path}.tmp`, this.path);
    return { file: basename(this.path), bytes, sha256, rows: this.rows };
  }

  /** Stops writing after a failure; the temp file is left for the caller (resume removes it). */
  async abandon(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.wake?.();
    await this.done.catch(() => undefined);
  }
}

/** Writes one Parquet shard: `id` utf8, `input_ids` list<int32>. zstd; atomic. */
export async function writeTokenParquet(
  path: string,
  ids: readonly string[],
  flat: Int32Array,
  lengths: ArrayLike<number>,
  rowGroupRows = 10_000,
): Promise<TokenFileInfo> {
  const w = new TokenParquetWriter(path, rowGroupRows);
  await w.append(ids, flat, lengths);
  return w.finish();
}

/** Writes manifest.json atomically. */
export function writeTokensManifest(path: string, manifest: TokensManifest): Promise<void> {
  return writeJsonAtomic(path, manifest);
}

/** Reads tokens.bin as ids (a view when aligned). */
export async function readTokenBin(path: string, dtype: TokenDtype): Promise<Uint16Array | Uint32Array> {
  const buf = await readFile(path);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return dtype === 'uint16' ? new Uint16Array(copy.buffer) : new Uint32Array(copy.buffer);
}

/** Reads a tokens manifest.json. */
export async function readTokensManifest(path: string): Promise<TokensManifest> {
  const m = JSON.parse(await readFile(path, 'utf8')) as TokensManifest;
  if (m.kind !== 'tokens' || m.version !== 1) throw new Error(`${path} is not a tokens manifest (version 1)`);
  return m;
}

/** Splits tokens.bin into documents by its EOT ids (each returned without the EOT). */
export function splitDocuments(tokens: ArrayLike<number>, eotId: number): number[][] {
  const docs: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === eotId) {
      docs.push(cur);
      cur = [];
    } else cur.push(t);
  }
  return docs;
}
