import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';
import type { ReadOptions } from './readOptions.js';

/** Opens a Parquet file lazily (a file-backed Blob): only the footer and requested row groups are read. */
export async function openParquet(path: string): Promise<pw.ParquetFile> {
  try {
    return await pw.ParquetFile.fromFile(await openAsBlob(path));
  } catch (e) {
    throw new UserError(`${path}: not a readable Parquet file (${String((e as Error).message ?? e).split('\n')[0]})`);
  }
}

/** Reads one row group as an Arrow table (only `columns` when given). */
export async function readRowGroup(path: string, file: pw.ParquetFile, group: number, columns?: string[]): Promise<arrow.Table> {
  try {
    const table = await file.read({ rowGroups: [group], columns });
    return arrow.tableFromIPC(table.intoIPCStream());
  } catch (e) {
    throw new UserError(`${path}: row group ${group} is unreadable, the file may be truncated (${String((e as Error).message ?? e).split('\n')[0]})`);
  }
}

/** Top-level column names in the file's schema. */
export function parquetColumns(file: pw.ParquetFile): string[] {
  return arrow.tableFromIPC(file.schema().intoIPCStream()).schema.fields.map((f) => f.name);
}

const DOC_COLUMNS = ['id', 'url', 'lang', 'lang_score', 'source', 'metadata'];

/** Streams documents from a Parquet file one row group at a time. */
export async function* readParquetDocuments(path: string, opts: ReadOptions = {}): AsyncGenerator<Document> {
  const textField = opts.textField ?? 'text';
  const file = await openParquet(path);
  try {
    const meta = file.metadata();
    const groups = meta.numRowGroups();
    if (groups === 0) return;
    const present = parquetColumns(file);
    if (!present.includes(textField)) throw new UserError(`${path}: no '${textField}' column (columns: ${present.join(', ')})`);
    const columns = [textField, ...DOC_COLUMNS.filter((c) => c !== textField && present.includes(c))];
    const name = basename(path);
    let row = 0;
    for (let g = 0; g < groups; g++) {
      const rg = meta.rowGroup(g);
      opts.onBytes?.(Number(rg.compressedSize()));
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
        let md: Record<string, unknown> = {};
        const m = metadata?.get(i);
        if (typeof m === 'string' && m !== '') {
          try {
            md = JSON.parse(m) as Record<string, unknown>;
          } catch {
            md = {};
          }
        }
        const doc: Document = {
          id: id?.get(i) != null ? String(id.get(i)) : `${name}:${row}`,
          text: t,
          url: url?.get(i) ?? undefined,
          source: source?.get(i) ?? `${path}#${row}`,
          metadata: md,
        };
        const l = lang?.get(i);
        if (typeof l === 'string' && l !== '') doc.lang = l;
        const s = score?.get(i);
        if (typeof s === 'number') doc.langScore = s;
        yield doc;
      }
    }
  } finally {
    file.free();
  }
}
