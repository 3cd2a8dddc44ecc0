import type { Document } from '../core/document.js';
import type { InputFile } from '../datasets/inputs.js';
import { readFile } from '../datasets/readers.js';
import { jsonlChunks, jsonlLineLimit } from '../datasets/jsonlReader.js';
import { maxDocumentBytesOf, type DropReason } from '../datasets/readOptions.js';
import { isPerRecordWarcGzip } from '../datasets/gzipMembers.js';

/**
 * Input is cut into read units, in input order, so that workers can do the reading: the coordinator
 * only frames bytes (JSONL lines) or names byte ranges (per-record-gzip WARC), and the workers inflate,
 * parse and decode. Formats that cannot be cut cheaply (Parquet, plain WARC, one-stream .warc.gz, HTML
 * and text files) and live sources are read here and sent as documents. A unit is a few MB of input,
 * so results can come back whole and still be merged in order with bounded memory.
 */
export type ReadUnit =
  /** Documents read by the coordinator (at most one batch; the handled ones already left out). */
  | { kind: 'docs'; docs: Document[]; malformed: number; dropped: Record<string, number>; warnings: string[]; skip: 0 }
  /** Whole JSONL lines; the worker parses them, passing over the first `skip` documents. */
  | { kind: 'jsonl'; path: string; data: Uint8Array; firstLine: number; skip: number }
  /** The records of a per-record-gzip WARC whose gzip member starts in [start, end), less the first `skip` documents. */
  | { kind: 'warc'; path: string; start: number; end: number; skip: number };

/** Compressed bytes per WARC range (~15 MB of HTML). */
export const WARC_RANGE_BYTES = 4 << 20;

/** Where a run stands in its input: `docs` documents of unit `unit` of file `file` are handled. */
export interface ReadPosition {
  file: number;
  unit: number;
  docs: number;
}

export interface PlannedUnit {
  /** Index in the run's file list; -1 for a live source. */
  file: number;
  unit: number;
  /** Documents of this unit already handled by the run being resumed (where its position counts from). */
  handled: number;
  /** Input bytes this unit accounts for (0 when a resumed run already counted them). */
  bytes: number;
  read: ReadUnit;
}

export interface ReadUnitOptions {
  files: InputFile[];
  source?: AsyncIterable<Document>;
  start: ReadPosition;
  batchSize: number;
  textField?: string;
  strict?: boolean;
  maxDocumentBytes?: number;
}

/**
 * Reads documents here, in units of `batchSize`, from document `handled` of unit `firstUnit` on: the
 * documents before it were handled by the run being resumed, and their warnings and counts are too.
 */
async function* documentUnits(file: number, firstUnit: number, handled: number, docs: (o: { onWarning: (m: string) => void; onMalformed: () => void; onDropped: (r: DropReason) => void; onBytes: (n: number) => void }) => AsyncIterable<Document>, batchSize: number): AsyncGenerator<PlannedUnit> {
  let unit = firstUnit;
  let seen = 0;
  const skip = firstUnit * batchSize + handled;
  let cur: PlannedUnit & { read: { kind: 'docs' } } = { file, unit, handled, bytes: 0, read: { kind: 'docs', docs: [], malformed: 0, dropped: {}, warnings: [], skip: 0 } };
  const skipping = () => seen < skip;
  const hooks = {
    onWarning: (m: string) => void (skipping() || cur.read.warnings.push(m)),
    onMalformed: () => void (skipping() || cur.read.malformed++),
    onDropped: (r: DropReason) => void (skipping() || (cur.read.dropped[r] = (cur.read.dropped[r] ?? 0) + 1)),
    onBytes: (n: number) => void (skipping() || (cur.bytes += n)),
  };
  for await (const doc of docs(hooks)) {
    if (skipping()) {
      seen++;
      continue;
    }
    seen++;
    cur.read.docs.push(doc);
    if (cur.handled + cur.read.docs.length >= batchSize) {
      yield cur;
      cur = { file, unit: ++unit, handled: 0, bytes: 0, read: { kind: 'docs', docs: [], malformed: 0, dropped: {}, warnings: [], skip: 0 } };
    }
  }
  if (cur.read.docs.length > 0 || cur.read.malformed > 0 || Object.keys(cur.read.dropped).length > 0 || cur.bytes > 0) yield cur;
}

/** The run's read units in input order, from `start` on. */
export async function* readUnits(o: ReadUnitOptions): AsyncGenerator<PlannedUnit> {
  if (o.source) {
    const source = o.source;
    yield* documentUnits(-1, 0, 0, () => source, o.batchSize);
  }
  for (let f = o.start.file; f < o.files.length; f++) {
    const file = o.files[f]!;
    const from = f === o.start.file ? o.start : { unit: 0, docs: 0 };
    const skipOf = (u: number) => (u === from.unit ? from.docs : 0);
    if (file.format === 'jsonl' || file.format === 'jsonl.gz') {
      let unit = 0;
      const maxLineBytes = jsonlLineLimit(maxDocumentBytesOf(o));
      for await (const c of jsonlChunks(file.path, file.format === 'jsonl.gz', { maxLineBytes })) {
        if (unit >= from.unit) {
          const skip = skipOf(unit);
          yield { file: f, unit, handled: skip, bytes: skip > 0 ? 0 : c.fileBytes, read: { kind: 'jsonl', path: file.path, data: c.data, firstLine: c.firstLine, skip } };
        }
        unit++;
      }
    } else if (file.format === 'warc.gz' && (await isPerRecordWarcGzip(file.path))) {
      for (let unit = from.unit; unit * WARC_RANGE_BYTES < file.bytes; unit++) {
        const start = unit * WARC_RANGE_BYTES;
        const end = Math.min(file.bytes, start + WARC_RANGE_BYTES);
        const skip = skipOf(unit);
        yield { file: f, unit, handled: skip, bytes: skip > 0 ? 0 : end - start, read: { kind: 'warc', path: file.path, start, end, skip } };
      }
    } else {
      yield* documentUnits(f, from.unit, from.docs, (hooks) => readFile(file, { textField: o.textField, strict: o.strict, maxDocumentBytes: o.maxDocumentBytes, ...hooks }), o.batchSize);
    }
  }
}
