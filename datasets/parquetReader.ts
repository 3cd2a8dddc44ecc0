import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';
import { dropTooLarge, maxDocumentBytesOf, utf8LengthOver, type ReadOptions } from './readOptions.js';

/** Rejecters of the parquet-wasm calls in flight (see settleWasmTraps). */
const inFlight = new Set<(e: Error) => void>();

/** A wasm trap. Its stack often holds only wasm frames (past the stack trace limit), so it cannot name its module. */
function isWasmTrap(e: unknown): e is Error {
  return e instanceof WebAssembly.RuntimeError;
}

function onUncaught(e: Error): void {
  if (isWasmTrap(e) && inFlight.size > 0) {
    for (const reject of inFlight) reject(e);
    return;
  }
  // Not a trap while a Parquet call runs: crash as Node would have without this handler.
  unlisten();
  process.nextTick(() => {
    throw e;
  });
}

/** Whether onUncaught holds the capture callback (exclusive: other 'uncaughtException' listeners, a test runner's, never see the trap). */
let capturing = false;

function listen(): void {
  try {
    process.setUncaughtExceptionCaptureCallback(onUncaught);
    capturing = true;
  } catch {
    process.on('uncaughtException', onUncaught); // someone else holds the capture callback
  }
}

function unlisten(): void {
  if (capturing) process.setUncaughtExceptionCaptureCallback(null);
  else process.off('uncaughtException', onUncaught);
  capturing = false;
}

/**
 * Runs an async parquet-wasm call so that it settles. parquet-wasm polls its futures from queued
 * microtasks: a Rust panic on corrupt data (a wasm `unreachable` trap; one flipped byte in a page is
 * enough) escapes as an uncaught exception, which would kill the process with a stack trace, and the
 * call's promise never settles. While a call is in flight such a trap rejects it instead; the instance
 * stays usable for other files (tests/fuzz-readers.test.ts reads a good file after each bad one).
 */
async function settleWasmTraps<T>(call: () => Promise<T>): Promise<T> {
  let reject!: (e: Error) => void;
  const trapped = new Promise<never>((_, r) => (reject = r));
  if (inFlight.size === 0) listen();
  inFlight.add(reject);
  try {
    return await Promise.race([call(), trapped]);
  } finally {
    inFlight.delete(reject);
    if (inFlight.size === 0) unlisten();
  }
}

/** Frees a ParquetFile; one whose call trapped may trap again here, which must not hide the first error. */
function freeQuietly(file: pw.ParquetFile): void {
  try {
    file.free();
  } catch {
    // the instance's memory for this file is lost; the process goes on
  }
}

/** The first line of a parquet-wasm error; a trap says only "unreachable", so it is named. */
function why(e: unknown): string {
  if (isWasmTrap(e)) return `the Parquet decoder failed on its data: ${e.message}`;
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

/** Opens a Parquet file lazily (a file-backed Blob): only the footer and requested row groups are read. */
export async function openParquet(path: string): Promise<pw.ParquetFile> {
  try {
    const blob = await openAsBlob(path);
    return await settleWasmTraps(() => pw.ParquetFile.fromFile(blob));
  } catch (e) {
    throw new UserError(`${path}: not a readable Parquet file (${why(e)})`);
  }
}

/** Reads one row group as an Arrow table (only `columns` when given). */
export async function readRowGroup(path: string, file: pw.ParquetFile, group: number, columns?: string[]): Promise<arrow.Table> {
  try {
    const table = await settleWasmTraps(() => file.read({ rowGroups: [group], columns }));
    return arrow.tableFromIPC(table.intoIPCStream());
  } catch (e) {
    throw new UserError(`${path}: row group ${group} is unreadable, the file may be truncated or damaged (${why(e)})`);
  }
}

/** Bytes of row group `g` as the footer states them (progress only: 0 when the footer cannot say). */
function compressedSize(meta: pw.ParquetMetaData, g: number): number {
  try {
    const n = Number(meta.rowGroup(g).compressedSize());
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Top-level column names in the file's schema. */
export function parquetColumns(file: pw.ParquetFile): string[] {
  return arrow.tableFromIPC(file.schema().intoIPCStream()).schema.fields.map((f) => f.name);
}

/** The metadata column's JSON object; anything else (not JSON, an array, a number) is no metadata. */
function metadataObject(m: unknown): Record<string, unknown> {
  if (typeof m !== 'string' || m === '') return {};
  try {
    const v: unknown = JSON.parse(m);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const DOC_COLUMNS = ['id', 'url', 'lang', 'lang_score', 'source', 'metadata'];

/** Streams documents from a Parquet file one row group at a time. */
export async function* readParquetDocuments(path: string, opts: ReadOptions = {}): AsyncGenerator<Document> {
  const textField = opts.textField ?? 'text';
  const maxDoc = maxDocumentBytesOf(opts);
  const file = await openParquet(path);
  try {
    let meta: pw.ParquetMetaData, groups: number, present: string[];
    try {
      meta = file.metadata();
      groups = meta.numRowGroups();
      present = parquetColumns(file);
    } catch (e) {
      throw new UserError(`${path}: not a readable Parquet file (${why(e)})`);
    }
    if (groups === 0) return;
    if (!present.includes(textField)) throw new UserError(`${path}: no '${textField}' column (columns: ${present.join(', ')})`);
    const columns = [textField, ...DOC_COLUMNS.filter((c) => c !== textField && present.includes(c))];
    const name = basename(path);
    let row = 0;
    for (let g = 0; g < groups; g++) {
      opts.onBytes?.(compressedSize(meta, g));
      const table = await readRowGroup(path, file, g, columns);
      const col = (n: string) => table.getChild(n);
      const text = col(textField)!, id = col('id'), url = col('url'), lang = col('lang');
      const score = col('lang_score'), source = col('source'), metadata = col('metadata');
      for (let i = 0; i < table.numRows; i++, row++) {
        const t = text.get(i);
        if (typeof t !== 'string') {
          const why = `${path}: row ${row}: '${textField}' is not a string`;
          if (opts.strict) throw new UserError(why);
          opts.onWarning?.(`${why}; skipped`);
          opts.onMalformed?.();
          continue;
        }
        // A row group is decoded whole (Parquet stores a column's pages together), so a big cell is dropped, not streamed.
        if (utf8LengthOver(t, maxDoc)) {
          dropTooLarge(opts, `${path}: row ${row}`, Buffer.byteLength(t, 'utf8'));
          continue;
        }
        const idValue: unknown = id?.get(i);
        const urlValue: unknown = url?.get(i);
        const sourceValue: unknown = source?.get(i);
        // Columns of another type (a file not written by curate) are ignored rather than passed on.
        const doc: Document = {
          id: (typeof idValue === 'string' && idValue !== '') || typeof idValue === 'number' || typeof idValue === 'bigint' ? String(idValue) : `${name}:${row}`,
          text: t,
          url: typeof urlValue === 'string' ? urlValue : undefined,
          source: typeof sourceValue === 'string' && sourceValue !== '' ? sourceValue : `${path}#${row}`,
          metadata: metadataObject(metadata?.get(i)),
        };
        const l = lang?.get(i);
        if (typeof l === 'string' && l !== '') doc.lang = l;
        const s = score?.get(i);
        if (typeof s === 'number') doc.langScore = s;
        yield doc;
      }
    }
  } finally {
    freeQuietly(file);
  }
}
