import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import type { Document } from '../core/document.js';
import { writeHashedFile } from './hashedFile.js';

/** What a finished shard file holds; listed in manifest.json and the journal. */
export interface ShardInfo {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ShardWriteOptions {
  /** Rows per Parquet row group (readers fetch one group at a time). */
  rowGroupRows?: number;
  compression?: 'zstd' | 'snappy' | 'none';
  /** Drop reasons, one per document: adds a `reason` column (exclusion shards). */
  reasons?: string[];
}

const CODECS = { zstd: pw.Compression.ZSTD, snappy: pw.Compression.SNAPPY, none: pw.Compression.UNCOMPRESSED } as const;

/** Metadata as written: keys starting with `_` are in-flight working state (dedup keys), never output. */
function metadataJson(meta: Record<string, unknown>): string {
  let clean = meta;
  for (const k in meta) {
    if (k.startsWith('_')) {
      clean = Object.fromEntries(Object.entries(meta).filter(([key]) => !key.startsWith('_')));
      break;
    }
  }
  return JSON.stringify(clean);
}

/** The docs shard schema: id, text, url, lang, lang_score, source, metadata (JSON), [reason]. */
function toArrow(docs: Document[], reasons?: string[]): arrow.Table {
  const utf8 = (values: (string | null)[]) => arrow.vectorFromArray(values, new arrow.Utf8());
  const columns: Record<string, arrow.Vector> = {
    id: utf8(docs.map((d) => d.id)),
    text: utf8(docs.map((d) => d.text)),
    url: utf8(docs.map((d) => d.url ?? null)),
    lang: utf8(docs.map((d) => d.lang ?? null)),
    lang_score: arrow.vectorFromArray(docs.map((d) => d.langScore ?? null), new arrow.Float64()),
    source: utf8(docs.map((d) => d.source)),
    metadata: utf8(docs.map((d) => metadataJson(d.metadata))),
  };
  if (reasons) columns.reason = utf8(reasons);
  return new arrow.Table(columns);
}

/** zstd (or the given codec) with fixed row groups and our created_by: every Parquet file we write. */
export function parquetWriterProperties(compression: ShardWriteOptions['compression'] = 'zstd', rowGroupRows = 10_000): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder().setCompression(CODECS[compression]).setMaxRowGroupSize(rowGroupRows).setCreatedBy('corpusforge').build();
}

/** Encodes a stream of record batches into a Parquet file at `path` (fsynced); returns its size and sha256. */
export async function writeParquetStream(path: string, batches: ReadableStream<pw.RecordBatch>, props: pw.WriterProperties): Promise<{ bytes: number; sha256: string }> {
  return writeHashedFile(path, (await pw.transformParquetStream(batches, props)) as ReadableStream<Uint8Array>);
}

/**
 * A shard written while its documents arrive: each append() becomes one or more row groups, encoded
 * and compressed by parquet-wasm as a stream, so memory holds about one row group whatever the shard
 * size. close() fsyncs and returns size and sha256. The caller owns the path's name: write to a temp
 * name and rename to commit.
 */
export class StreamingShardWriter {
  private readonly queue: pw.RecordBatch[] = [];
  private wake?: () => void;
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  private rows = 0;
  private readonly done: Promise<Omit<ShardInfo, 'file'>>;
  private readonly groupRows: number;

  constructor(
    readonly path: string,
    opts: ShardWriteOptions = {},
  ) {
    this.groupRows = opts.rowGroupRows ?? 10_000;
    const props = parquetWriterProperties(opts.compression, this.groupRows);
    const batches = new ReadableStream<pw.RecordBatch>({
      pull: async (controller) => {
        while (this.queue.length === 0 && !this.closed) await new Promise<void>((r) => (this.wake = r));
        const next = this.queue.shift();
        if (this.queue.length === 0) for (const w of this.drainWaiters.splice(0)) w();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    }, { highWaterMark: 0 });
    this.done = this.drain(batches, props);
    this.done.catch(() => undefined); // surfaced by close()
  }

  private async drain(batches: ReadableStream<pw.RecordBatch>, props: pw.WriterProperties): Promise<Omit<ShardInfo, 'file'>> {
    const { bytes, sha256 } = await writeParquetStream(this.path, batches, props);
    return { rows: this.rows, bytes, sha256 };
  }

  /** Adds documents (and, for exclusion shards, their drop reasons) as row groups. */
  append(docs: Document[], reasons?: string[]): void {
    for (let i = 0; i < docs.length; i += this.groupRows) {
      const end = Math.min(docs.length, i + this.groupRows);
      const table = pw.Table.fromIPCStream(arrow.tableToIPC(toArrow(docs.slice(i, end), reasons?.slice(i, end)), 'stream'));
      for (const rb of table.recordBatches()) this.queue.push(rb);
    }
    this.rows += docs.length;
    this.wake?.();
  }

  /** Waits until the encoder has taken everything appended so far (backpressure for the producer). */
  async drained(): Promise<void> {
    if (this.queue.length > 0) await new Promise<void>((r) => this.drainWaiters.push(r));
  }

  async close(): Promise<Omit<ShardInfo, 'file'>> {
    this.closed = true;
    this.wake?.();
    return this.done;
  }
}

/** Writes documents to `path` as one Parquet shard (zstd, row groups of `rowGroupRows`). */
export async function writeDocumentShard(path: string, docs: Document[], opts: ShardWriteOptions = {}): Promise<Omit<ShardInfo, 'file'>> {
  const w = new StreamingShardWriter(path, opts);
  const groupRows = opts.rowGroupRows ?? 10_000;
  for (let i = 0; i < docs.length; i += groupRows) {
    w.append(docs.slice(i, i + groupRows), opts.reasons?.slice(i, i + groupRows));
    await w.drained();
  }
  return w.close();
}
