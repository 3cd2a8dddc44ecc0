import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';
import { dropTooLarge, maxDocumentBytesOf, utf8LengthOver, type ReadOptions } from './readOptions.js';

function gzipError(path: string, e: NodeJS.ErrnoException): UserError {
  if (e.code === 'Z_DATA_ERROR') return new UserError(`${path}: not a gzip file (${e.message})`);
  if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) return new UserError(`${path}: truncated gzip file`);
  return new UserError(`${path}: ${e.message}`);
}

/** Turns one parsed JSONL record into a Document, or returns why it cannot. */
export function recordToDocument(
  rec: unknown,
  where: { path: string; line: number },
  textField = 'text',
): Document | string {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return 'not a JSON object';
  const obj = rec as Record<string, unknown>;
  let text = obj[textField];
  let format = 'text';
  if (text === undefined && textField === 'text' && typeof obj.html === 'string') {
    text = obj.html;
    format = 'html';
  }
  if (typeof text !== 'string') return `missing string field '${textField}'`;
  // An empty id is no id: every such record would share it.
  const id = (typeof obj.id === 'string' && obj.id !== '') || typeof obj.id === 'number' ? String(obj.id) : `${basename(where.path)}:${where.line}`;
  const meta = obj.metadata && typeof obj.metadata === 'object' && !Array.isArray(obj.metadata) ? (obj.metadata as Record<string, unknown>) : {};
  return {
    id,
    text,
    url: typeof obj.url === 'string' ? obj.url : undefined,
    source: `${where.path}:${where.line}`,
    metadata: { ...meta, format },
  };
}

/** Whole lines of a JSONL file, cut from its byte stream: what a worker needs to parse them. */
export interface JsonlChunk {
  /** UTF-8 bytes of whole lines (the last one may lack its newline at end of file). */
  data: Buffer;
  /** Line number (1-based) of the chunk's first line, for provenance and warnings. */
  firstLine: number;
  /** File bytes (compressed, for .gz) read to produce this chunk, for progress. */
  fileBytes: number;
}

/** Lines per chunk are cut once this many bytes have accumulated (a longer line stays whole). */
export const JSONL_CHUNK_BYTES = 4 << 20;

/**
 * Longest JSONL line read (64 MiB, as for a WARC record): a longer one, a gzip bomb's endless line for
 * one, is dropped while it streams past, never held, and counted as malformed with its length.
 */
export const JSONL_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Longest line held for a document limit: its text is at most the line's bytes, and JSON escapes take at
 * most 3x (\\uXXXX for a 2-byte character, a surrogate pair's 12 bytes for 4; Python's json.dumps escapes
 * all non-ASCII by default), so a longer line (plus 1 MiB of other fields) holds a document over the limit.
 */
export function jsonlLineLimit(maxDocumentBytes: number): number {
  return Math.min(JSONL_MAX_LINE_BYTES, 3 * maxDocumentBytes + (1 << 20));
}

/** Stands in for a dropped over-long line: a NUL (never valid JSON), its length and the limit, the newline. */
const longLine = (bytes: number, limit: number) => Buffer.from(`\u0000${bytes} ${limit}\n`);
const LONG_LINE = /^\u0000(\d+) (\d+)$/;
const size = (n: number) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20} MiB` : `${n} bytes`);

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Cuts a JSONL or JSONL.gz file into chunks of whole lines without parsing them: cheap enough for
 * the coordinator thread, which hands the chunks to workers for the JSON parsing.
 */
export async function* jsonlChunks(
  path: string,
  gzipped: boolean,
  opts: { onBytes?: (n: number) => void; chunkBytes?: number; maxLineBytes?: number } = {},
): AsyncGenerator<JsonlChunk> {
  const target = opts.chunkBytes ?? JSONL_CHUNK_BYTES;
  const maxLine = opts.maxLineBytes ?? JSONL_MAX_LINE_BYTES;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let fileBytes = 0;
  const count = (n: number) => {
    fileBytes += n;
    opts.onBytes?.(n);
  };
  let source: Readable = file;
  let streamError: UserError | undefined;
  if (gzipped) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    file.on('data', (c) => count(c.length)); // file bytes, not inflated ones
    source = file.pipe(gunzip);
  }
  source.on('error', (e: NodeJS.ErrnoException) => {
    streamError = gzipped && e.code?.startsWith('Z_') ? gzipError(path, e) : new UserError(`${path}: ${e.message}`);
  });
  let parts: Buffer[] = [];
  let held = 0;
  let line = 1;
  let reported = 0;
  const cut = (data: Buffer): JsonlChunk => {
    const chunk = { data, firstLine: line, fileBytes: fileBytes - reported };
    reported = fileBytes;
    line += countNewlines(data);
    return chunk;
  };
  /** Bytes of an over-long line dropped so far (while > 0 the line's end is still to come). */
  let skipped = 0;
  try {
    for await (let piece of source as AsyncIterable<Buffer>) {
      if (!gzipped) count(piece.length);
      if (skipped > 0) {
        const nl = piece.indexOf(10);
        if (nl === -1) {
          skipped += piece.length;
          continue;
        }
        parts.push(longLine(skipped + nl, maxLine));
        held += parts[parts.length - 1]!.length;
        skipped = 0;
        piece = piece.subarray(nl + 1);
      }
      parts.push(piece);
      held += piece.length;
      if (held > maxLine + target) {
        // A line longer than maxLine is in progress: hand on the whole lines before it, drop the rest of it.
        const all = Buffer.concat(parts, held);
        const lastNl = all.lastIndexOf(10);
        if (all.length - (lastNl + 1) > maxLine) {
          if (lastNl >= 0) yield cut(Buffer.from(all.subarray(0, lastNl + 1)));
          skipped = all.length - (lastNl + 1);
          parts = [];
          held = 0;
          continue;
        }
        parts = [all];
      }
      // Nothing to cut before `target` bytes, and nothing new to cut without a line end in this piece (the
      // held bytes have none at or after target - 1): no copy of a long line per piece (quadratic).
      if (held < target || piece.indexOf(10) === -1) continue;
      // Cut at the first line end at or after `target` bytes, as often as the held bytes allow.
      let all = Buffer.concat(parts, held);
      for (let nl = all.indexOf(10, target - 1); nl !== -1; nl = all.indexOf(10, target - 1)) {
        yield cut(Buffer.from(all.subarray(0, nl + 1))); // its own buffer, so it can move to a worker
        all = all.subarray(nl + 1);
      }
      parts = all.length ? [all] : [];
      held = all.length;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw streamError ?? (gzipped ? gzipError(path, e as NodeJS.ErrnoException) : new UserError(`${path}: ${(e as Error).message}`));
  } finally {
    file.destroy();
  }
  if (streamError) throw streamError;
  if (skipped > 0) {
    parts.push(longLine(skipped, maxLine));
    held += parts[parts.length - 1]!.length;
  }
  if (held > 0 || fileBytes > reported) yield cut(Buffer.concat(parts, held));
}

/** Parses the lines of one chunk into documents; malformed lines are warned about and skipped (or fatal with `strict`). */
export function* jsonlChunkDocuments(path: string, chunk: Pick<JsonlChunk, 'data' | 'firstLine'>, opts: ReadOptions = {}): Generator<Document> {
  const { data } = chunk;
  const maxDoc = maxDocumentBytesOf(opts);
  let line = chunk.firstLine;
  for (let a = 0; a < data.length; line++) {
    let b = data.indexOf(10, a);
    if (b === -1) b = data.length;
    let e = b;
    if (e > a && data[e - 1] === 13) e--; // CRLF
    const raw = data.toString('utf8', a, e);
    a = b + 1;
    if (raw.trim() === '') continue;
    let rec: unknown;
    let problem: string | undefined;
    const long = raw.charCodeAt(0) === 0 ? LONG_LINE.exec(raw) : null;
    if (long) problem = `line of ${long[1]} bytes is over the ${size(Number(long[2]))} limit`;
    else {
      try {
        rec = JSON.parse(raw);
      } catch {
        problem = 'not valid JSON';
      }
    }
    const doc = problem ? problem : recordToDocument(rec, { path, line }, opts.textField);
    if (typeof doc === 'string') {
      if (opts.strict) throw new UserError(`${path}:${line}: ${doc}`);
      opts.onWarning?.(`${path}:${line}: ${doc}; skipped`);
      // A line too long to hold is a document too large to read, not a malformed one.
      if (long) opts.onDropped?.('too_large');
      else opts.onMalformed?.();
      continue;
    }
    if (utf8LengthOver(doc.text, maxDoc)) {
      dropTooLarge(opts, `${path}:${line}`, Buffer.byteLength(doc.text, 'utf8'));
      continue;
    }
    yield doc;
  }
}

/** Streams a JSONL or JSONL.gz file; holds one chunk of lines (a few MB) at a time. */
export async function* readJsonl(path: string, gzipped: boolean, opts: ReadOptions = {}): AsyncGenerator<Document> {
  const maxLineBytes = jsonlLineLimit(maxDocumentBytesOf(opts));
  for await (const chunk of jsonlChunks(path, gzipped, { onBytes: opts.onBytes, maxLineBytes })) yield* jsonlChunkDocuments(path, chunk, opts);
}
