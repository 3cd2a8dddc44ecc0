/**
 * A unit of `corpusforge tokenize`'s input (inputUnits.ts) as a worker encodes it on its own: whole JSONL lines
 * as bytes (the worker parses them) or documents the main thread read. Encoding a unit gives everything the ordered output needs: ids, token ids, the documents'
 * tokens.bin bytes, and the reader's warnings and counts, replayed in input order by the main thread.
 */
import { UserError } from '../core/errors.js';
import { jsonlChunkDocuments } from '../datasets/jsonlReader.js';
import type { DropReason, ReadOptions } from '../datasets/readOptions.js';
import { tokenBinRecords, type TokenDtype } from '../datasets/tokenBinRecords.js';
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
