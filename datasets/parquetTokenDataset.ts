/**
 * The token stream of a `corpusforge tokenize` folder read from its Parquet shards (`tokens-NNNNN.parquet`:
 * `id` string, `input_ids` list<int32>, one row per document, no end-of-text id) instead of tokens.bin.
 *
 * View: the concatenated stream. Rows are taken in manifest order and each row's ids are followed by the
 * manifest's `eot_id`, which is exactly tokens.bin's layout, so positions, the validation split, rank slices
 * and training windows (a window may cross documents, as with tokens.bin) are identical to TokenDataset's for
 * the same seed and cursor.
 *
 * Random access: at open, a per-row-group index (first stream position, token count) is built from the
 * Parquet footers: the `input_ids` leaf column's value count is tokens + empty lists, so when the footers'
 * counts plus one EOT per row add up to the manifest's `total_tokens` there are no empty documents and the
 * counts are exact; otherwise (some documents are empty) each row group's list offsets are read once to count.
 * A window then decodes only the row groups it touches (only the `input_ids` column); decoded row groups
 * stay in an LRU cache of at most `CACHE_TOKENS` tokens (and at least two groups, for windows crossing a
 * boundary). Memory: one index entry per row group plus that cache; the whole set is never loaded.
 */
import path from 'node:path';
import * as arrow from 'apache-arrow';
import type * as pw from 'parquet-wasm/node';
import { UserError } from '../core/errors.js';
import { openParquet, readRowGroup } from './parquetReader.js';
import {
  checkedValFraction, emptyBatch, listedFiles, putWindow, readTokenManifest, requireWindowIn, splitRanges, splitSearchStart,
  trainWindowStart, valBatchFrom, valWindowPlan,
  type TokenBatch, type TokenDatasetOptions, type TokenManifest, type TokenRange, type TokenSource,
} from './tokenDataset.js';

/** Parquet token shards as `corpusforge tokenize` names them (also a split run's tokens-rR-NNNNN.parquet). */
export const TOKEN_SHARD_PATTERN = /^tokens-(r\d+-)?\d+\.parquet$/;

/** One row group's place in the token stream. */
interface GroupSpan {
  shard: number;
  group: number;
  /** First stream position (token index) of this row group. */
  start: number;
  /** Tokens in the stream: the rows' ids plus one end-of-text id per row. */
  tokens: number;
  rows: number;
}

/** Decoded-token budget of the row-group cache: 16M tokens = 64 MB (a small corpus then decodes once). */
export const CACHE_TOKENS = 16 * 1024 * 1024;

type IdValues = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Checks `input_ids` is a list of integers; one UserError naming the column and type otherwise. */
function checkSchema(file: string, pf: pw.ParquetFile): void {
  const fields = arrow.tableFromIPC(pf.schema().intoIPCStream()).schema.fields;
  const field = fields.find((f) => f.name === 'input_ids');
  if (!field) throw new UserError(`${file}: no 'input_ids' column (columns: ${fields.map((f) => f.name).join(', ')}); expected corpusforge token shards`);
  const t = field.type;
  if (!arrow.DataType.isList(t) || !arrow.DataType.isInt(t.children[0]!.type)) {
    throw new UserError(`${file}: column 'input_ids' is ${String(t)}, expected a list of integer token ids (list<int32>)`);
  }
}

export class ParquetTokenDataset implements TokenSource {
  readonly format = 'parquet';
  readonly train: TokenRange = { start: 0, end: 0 };
  readonly val: TokenRange = { start: 0, end: 0 };
  /** Decoded row groups (stream segments with EOTs), most recently used last. */
  private readonly cache = new Map<number, Int32Array>();
  private cachedTokens = 0;
  /** Row groups decoded since open (for tests and the bench: how much decoding the sampling costs). */
  decodedGroups = 0;
  /** True when the index came from the footers alone (no empty documents); false when row groups were counted. */
  indexFromFooters = true;

  private constructor(
    readonly dir: string,
    readonly manifest: TokenManifest,
    readonly shards: readonly string[],
    private readonly files: pw.ParquetFile[],
    private readonly groups: readonly GroupSpan[],
  ) {}

  static async open(dir: string, opts: TokenDatasetOptions = {}): Promise<ParquetTokenDataset> {
    const manifest = readTokenManifest(dir);
    const shards = listedFiles(dir, manifest, (f) => TOKEN_SHARD_PATTERN.test(f)).filter((f) => TOKEN_SHARD_PATTERN.test(f));
    if (shards.length === 0) throw new UserError(`${dir}: manifest.json lists no tokens-NNNNN.parquet shards (and the Parquet form was asked for or tokens.bin is absent)`);
    const valFraction = checkedValFraction(opts);
    const files: pw.ParquetFile[] = [];
    try {
      const groups: GroupSpan[] = [];
      let leafValues = 0;
      let rows = 0;
      for (let s = 0; s < shards.length; s++) {
        const file = path.join(dir, shards[s]!);
        const pf = await openParquet(file);
        files.push(pf);
        checkSchema(file, pf);
        const meta = pf.metadata();
        for (let g = 0; g < meta.numRowGroups(); g++) {
          const rg = meta.rowGroup(g);
          const leaf = rg.columns().find((c) => c.columnPath()[0] === 'input_ids')!;
          groups.push({ shard: s, group: g, start: 0, tokens: leaf.numValues() + rg.numRows(), rows: rg.numRows() });
          leafValues += leaf.numValues();
          rows += rg.numRows();
        }
      }
      if (rows !== manifest.documents) throw new UserError(`${dir}: the Parquet shards hold ${rows} documents, manifest.json says ${manifest.documents}`);
      const ds = new ParquetTokenDataset(dir, manifest, shards, files, groups);
      // Footer counts include one value per empty list: exact only when they add up to the manifest's total.
      if (leafValues + rows !== manifest.total_tokens) {
        ds.indexFromFooters = false;
        for (let i = 0; i < groups.length; i++) groups[i]!.tokens = await ds.countGroupTokens(i);
      }
      let at = 0;
      for (const g of groups) {
        g.start = at;
        at += g.tokens;
      }
      if (at !== manifest.total_tokens) throw new UserError(`${dir}: the Parquet shards hold ${at} tokens (with one end-of-text per document), manifest.json says ${manifest.total_tokens}`);
      const split = valFraction > 0 ? await ds.documentStartAtOrAfter(splitSearchStart(at, valFraction)) : at;
      const ranges = splitRanges(at, split, opts);
      Object.assign(ds.train, ranges.train);
      Object.assign(ds.val, ranges.val);
      return ds;
    } catch (e) {
      for (const f of files) f.free();
      throw e;
    }
  }

  close(): void {
    for (const f of this.files) f.free();
    this.files.length = 0;
    this.cache.clear();
    this.cachedTokens = 0;
  }

  private where(i: number): string {
    const g = this.groups[i]!;
    return `${this.dir}/${this.shards[g.shard]} row group ${g.group}`;
  }

  /** The `input_ids` column of row group i as Arrow list chunks. */
  private async readIds(i: number): Promise<arrow.Data<arrow.List<arrow.Int>>[]> {
    const g = this.groups[i]!;
    const file = path.join(this.dir, this.shards[g.shard]!);
    const table = await readRowGroup(file, this.files[g.shard]!, g.group, ['input_ids']);
    const chunks = table.getChild('input_ids')!.data as arrow.Data<arrow.List<arrow.Int>>[];
    if (chunks.some((d) => d.nullCount > 0)) throw new UserError(`${this.where(i)}: input_ids is null in some rows (every document needs a list, possibly empty)`);
    return chunks;
  }

  private async countGroupTokens(i: number): Promise<number> {
    let n = 0;
    for (const d of await this.readIds(i)) n += d.valueOffsets[d.length]! - d.valueOffsets[0]! + d.length;
    return n;
  }

  /** Row group i as its stretch of the token stream (each row's ids, then the end-of-text id). */
  private async segment(i: number): Promise<Int32Array> {
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    const span = this.groups[i]!;
    const out = new Int32Array(span.tokens);
    const vocab = this.manifest.vocab_size;
    const eot = this.manifest.eot_id;
    let at = 0;
    let row = 0;
    for (const d of await this.readIds(i)) {
      const offsets = d.valueOffsets;
      const values = d.children[0]!.values as IdValues;
      for (let r = 0; r < d.length; r++, row++) {
        const end = offsets[r + 1]!;
        if (at + end - offsets[r]! + 1 > out.length) throw new UserError(`${this.where(i)}: holds more tokens than its footer says (${span.tokens}): the file is inconsistent`);
        for (let k = offsets[r]!; k < end; k++) {
          const id = Number(values[k]!);
          if (!(id >= 0 && id < vocab)) throw new UserError(`${this.where(i)}, row ${row}: token id ${id} is outside the vocabulary (size ${vocab})`);
          out[at++] = id;
        }
        out[at++] = eot;
      }
    }
    if (at !== out.length) throw new UserError(`${this.where(i)}: holds ${at} tokens, its footer says ${span.tokens}: the file is inconsistent`);
    this.decodedGroups++;
    this.cache.set(i, out);
    this.cachedTokens += out.length;
    // Evict least recently used groups beyond the budget, keeping two (a window may span a boundary).
    while (this.cache.size > 2 && this.cachedTokens > CACHE_TOKENS) {
      const [oldest, seg] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.cachedTokens -= seg.length;
    }
    return out;
  }

  /** Index of the row group holding stream position `pos`. */
  private groupAt(pos: number): number {
    let lo = 0;
    let hi = this.groups.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.groups[mid]!.start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Reads `count` tokens of the stream starting at position `start`. */
  async read(start: number, count: number): Promise<Int32Array> {
    if (start < 0 || start + count > this.manifest.total_tokens) throw new RangeError(`read [${start}, ${start + count}) outside the stream`);
    const out = new Int32Array(count);
    let done = 0;
    let i = this.groupAt(start);
    while (done < count) {
      const span = this.groups[i]!;
      const seg = await this.segment(i);
      const from = start + done - span.start;
      const n = Math.min(count - done, span.tokens - from);
      out.set(seg.subarray(from, from + n), done);
      done += n;
      i++;
    }
    return out;
  }

  /** First document start at or after `pos`: just past the next end-of-text id from pos - 1 (as tokens.bin). */
  private async documentStartAtOrAfter(pos: number): Promise<number> {
    const total = this.manifest.total_tokens;
    if (pos <= 0) return 0;
    for (let at = pos - 1; at < total; ) {
      const n = Math.min(65536, total - at);
      const i = (await this.read(at, n)).indexOf(this.manifest.eot_id);
      if (i >= 0) return at + i + 1;
      at += n;
    }
    return total;
  }

  requireWindow(range: TokenRange, seqLen: number, what: string): void {
    requireWindowIn(this.manifest, range, seqLen, what);
  }

  /** The same windows as TokenDataset.trainBatch; read in stream order so each row group decodes once per batch. */
  async trainBatch(cursor: number, batchSize: number, seqLen: number, seed: number, rank = 0): Promise<TokenBatch> {
    this.requireWindow(this.train, seqLen, 'training');
    const starts = Array.from({ length: batchSize }, (_, b) => trainWindowStart(this.train, seqLen, seed, rank, cursor + b));
    const order = starts.map((_, b) => b).sort((a, b) => starts[a]! - starts[b]! || a - b);
    const batch = emptyBatch(batchSize, seqLen);
    for (const b of order) putWindow(batch, b, await this.read(starts[b]!, seqLen + 1));
    return batch;
  }

  async *valBatches(batchSize: number, seqLen: number, maxBatches: number): AsyncGenerator<TokenBatch> {
    this.requireWindow(this.val, seqLen, 'validation');
    for (const { pos, rows } of valWindowPlan(this.val, batchSize, seqLen, maxBatches)) yield valBatchFrom(await this.read(pos, rows * seqLen + 1), rows, seqLen);
  }
}
