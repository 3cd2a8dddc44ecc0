import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import type { Document } from '../pipelines/document.js';

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

/**
 * Writes documents to `path` as Parquet (zstd, row groups of `rowGroupRows`), streaming one row group
 * at a time through parquet-wasm so memory stays near one group's size, fsyncs, and returns size and
 * sha256. The caller owns the path's name: write to a temp name and rename to commit.
 */
export async function writeDocumentShard(path: string, docs: Document[], opts: ShardWriteOptions = {}): Promise<Omit<ShardInfo, 'file'>> {
  const groupRows = opts.rowGroupRows ?? 10_000;
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(CODECS[opts.compression ?? 'zstd'])
    .setMaxRowGroupSize(groupRows)
    .setCreatedBy('corpusforge')
    .build();
  let next = 0;
  const batches = new ReadableStream<pw.RecordBatch>({
    pull(controller) {
      if (next >= docs.length) return controller.close();
      const end = Math.min(docs.length, next + groupRows);
      const slice = docs.slice(next, end);
      const table = pw.Table.fromIPCStream(arrow.tableToIPC(toArrow(slice, opts.reasons?.slice(next, end)), 'stream'));
      for (const rb of table.recordBatches()) controller.enqueue(rb);
      next = end;
    },
  });
  const out = (await pw.transformParquetStream(batches, props)) as ReadableStream<Uint8Array>;
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    for await (const chunk of out) {
      hash.update(chunk);
      bytes += chunk.length;
      await fh.write(chunk);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { rows: docs.length, bytes, sha256: hash.digest('hex') };
}
