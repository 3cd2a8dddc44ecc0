/**
 * The input of `corpusforge tokenize` cut into units a worker encodes on its own: whole JSONL lines as bytes
 * (the worker parses them; the main thread only cuts lines) or, for the other formats, documents the main
 * thread read. Encoding a unit gives everything the ordered output needs: ids, token ids, the documents'
 * tokens.bin bytes, and the reader's warnings and counts, replayed in input order by the main thread.
 */
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';
import type { InputFile } from '../datasets/inputs.js';
import { jsonlChunkDocuments, jsonlChunks, jsonlLineLimit } from '../datasets/jsonlReader.js';
import { maxDocumentBytesOf, type DropReason, type ReadOptions } from '../datasets/readOptions.js';
import { readFile as readInputFile } from '../datasets/readers.js';
import { tokenBinRecords, type TokenDtype } from '../datasets/tokenShards.js';
import { IdBuffer } from './idBuffer.js';
import type { Tokenizer } from './tokenizer.js';

/** Whole JSONL lines (their own buffer, so they can move to a worker), or documents already read. */
export type InputUnit =
  | { kind: 'jsonl'; path: string; data: Uint8Array; firstLine: number }
  | { kind: 'docs'; ids: string[]; texts: string[] };

/** The reading options a worker applies; the callbacks stay in the main thread (see ReadEvent). */
export type UnitReadOptions = Pick<ReadOptions, 'textField' | 'strict' | 'maxDocumentBytes'>;

/** A reader callback as it happened in a worker, replayed in order by the main thread. */
export type ReadEvent = { warning: string } | { malformed: true } | { dropped: DropReason };

export interface EncodedUnit {
  ids: string[];
  /** All documents' token ids, concatenated (no EOT). */
  flat: Int32Array;
  /** Tokens per document (no EOT). */
  lengths: Int32Array;
  /** The documents as tokens.bin bytes (ids + EOT each, in the output dtype). */
  bin: Uint8Array;
  events: ReadEvent[];
  /** A strict read's failure (the UserError's message): it travels as data, so it stays a user error. */
  error?: string;
}

export interface BinLayout {
  dtype: TokenDtype;
  eotId: number;
}

/** Encodes texts; ids of all documents are returned flat, plus each document's length. */
export function encodeTexts(tok: Tokenizer, texts: readonly string[]): { flat: Int32Array; lengths: Int32Array } {
  let chars = 0;
  for (const t of texts) chars += t.length;
  const ids = new IdBuffer(chars >> 2);
  const lengths = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const before = ids.length;
    tok.encodeOrdinaryIds(texts[i]!, ids);
    lengths[i] = ids.length - before;
  }
  return { flat: ids.slice(), lengths };
}

/** Parses (JSONL) and encodes one unit: the same function inline and in a worker, so the bytes are the same. */
export function encodeUnit(tok: Tokenizer, unit: InputUnit, readOpts: UnitReadOptions, layout: BinLayout): EncodedUnit {
  const events: ReadEvent[] = [];
  let ids: string[];
  let texts: string[];
  let error: string | undefined;
  if (unit.kind === 'docs') ({ ids, texts } = unit);
  else {
    ids = [];
    texts = [];
    const data = Buffer.from(unit.data.buffer, unit.data.byteOffset, unit.data.byteLength);
    const opts: ReadOptions = {
      ...readOpts,
      onWarning: (warning) => events.push({ warning }),
      onMalformed: () => events.push({ malformed: true }),
      onDropped: (dropped) => events.push({ dropped }),
    };
    try {
      for (const d of jsonlChunkDocuments(unit.path, { data, firstLine: unit.firstLine }, opts)) {
        ids.push(d.id);
        texts.push(d.text);
      }
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      error = e.message;
    }
  }
  const { flat, lengths } = encodeTexts(tok, texts);
  return { ids, flat, lengths, bin: tokenBinRecords(flat, lengths, layout.dtype, layout.eotId), events, ...(error ? { error } : {}) };
}

/** Calls the reader callbacks a worker recorded, in order; throws a strict read's error. */
export function replayReadEvents(r: EncodedUnit, opts: ReadOptions): void {
  for (const e of r.events) {
    if ('warning' in e) opts.onWarning?.(e.warning);
    else if ('malformed' in e) opts.onMalformed?.();
    else opts.onDropped?.(e.dropped);
  }
  if (r.error !== undefined) throw new UserError(r.error);
}

/** Documents batched into units of about `unitChars` characters, after skipping the first `skip`. */
export async function* documentUnits(docs: AsyncIterable<Document>, skip: number, unitChars: number): AsyncGenerator<InputUnit> {
  let unit: InputUnit & { kind: 'docs' } = { kind: 'docs', ids: [], texts: [] };
  let chars = 0;
  let seen = 0;
  for await (const doc of docs) {
    if (seen++ < skip) continue; // written before the interruption
    unit.ids.push(doc.id);
    unit.texts.push(doc.text);
    chars += doc.text.length;
    if (chars >= unitChars) {
      yield unit;
      unit = { kind: 'docs', ids: [], texts: [] };
      chars = 0;
    }
  }
  if (unit.ids.length) yield unit;
}

/** Its own ArrayBuffer (a pooled Buffer's would take the pool with it when transferred). */
function ownBytes(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer) ? b : new Uint8Array(b);
}

/**
 * The lines of one JSONL file as units of about `unitBytes`, after its first `skip` documents (counted by
 * parsing here, as the reader would: a resume does not encode them again). Returns how many it skipped.
 */
async function* jsonlUnits(file: InputFile, readOptions: ReadOptions, skip: number, unitBytes: number): AsyncGenerator<InputUnit, number> {
  const maxLineBytes = jsonlLineLimit(maxDocumentBytesOf(readOptions));
  let skipped = 0;
  for await (const chunk of jsonlChunks(file.path, file.format === 'jsonl.gz', { onBytes: readOptions.onBytes, maxLineBytes, chunkBytes: unitBytes })) {
    let data: Uint8Array = chunk.data;
    let firstLine = chunk.firstLine;
    if (skipped < skip) {
      let lastLine = firstLine - 1;
      for (const d of jsonlChunkDocuments(file.path, chunk, readOptions)) {
        lastLine = Number(d.source.slice(d.source.lastIndexOf(':') + 1));
        if (++skipped === skip) break;
      }
      if (skipped < skip) continue;
      // The rest of the chunk after the last skipped document's line.
      let at = 0;
      for (let line = firstLine; line <= lastLine; line++) at = chunk.data.indexOf(10, at) + 1;
      if (at === 0 || at >= chunk.data.length) continue;
      data = chunk.data.subarray(at);
      firstLine = lastLine + 1;
    }
    yield { kind: 'jsonl', path: file.path, data: ownBytes(data), firstLine };
  }
  return skipped;
}

/** Every input file as units, in input order, after the first `skip` documents. */
export async function* fileUnits(files: InputFile[], readOptions: ReadOptions, skip: number, unitChars: number): AsyncGenerator<InputUnit> {
  let toSkip = skip;
  for (let i = 0; i < files.length; ) {
    const f = files[i]!;
    if (f.format === 'jsonl' || f.format === 'jsonl.gz') {
      toSkip -= yield* jsonlUnits(f, readOptions, toSkip, unitChars);
      i++;
      continue;
    }
    // A run of non-JSONL files is read here, in one stream of documents batched across files.
    const run: InputFile[] = [];
    for (; i < files.length && files[i]!.format !== 'jsonl' && files[i]!.format !== 'jsonl.gz'; i++) run.push(files[i]!);
    let seen = 0;
    async function* docs(): AsyncGenerator<Document> {
      for (const r of run) {
        for await (const d of readInputFile(r, readOptions)) {
          seen++;
          yield d;
        }
      }
    }
    yield* documentUnits(docs(), toSkip, unitChars);
    toSkip = Math.max(0, toSkip - seen);
  }
}
