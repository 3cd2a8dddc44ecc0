/**
 * The items of an evaluation set, streamed from its files: JSONL / JSONL.gz (one item per record),
 * Parquet (one per row, a row group at a time) and plain text (one per non-empty line: benchmark
 * questions are usually listed that way, and a whole file as one item would be matched as one 13-gram
 * sequence anyway). An item's text is its fields joined by newlines. A field that a file's first item
 * lacks is an error naming the fields it has: a misspelt field must never index nothing.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../../core/errors.js';
import { expandInputs, type InputFile } from '../../datasets/inputs.js';
import { jsonlChunks } from '../../datasets/jsonlReader.js';
import { openParquet, parquetColumns, readRowGroup } from '../../datasets/parquetReader.js';
import type { EvalSetOptions } from './options.js';

export interface EvalItem {
  id: string;
  text: string;
}

/** Text of a field value: strings as they are, numbers as written, lists (and objects' values) joined by newlines. */
export function fieldText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null || typeof v !== 'object') return undefined;
  const parts = Symbol.iterator in v ? Array.from(v as Iterable<unknown>) : Object.values(v);
  return parts.map(fieldText).filter((t) => t !== undefined).join('\n');
}

const where = (set: EvalSetOptions) => `step 'decontaminate': set '${set.name}'`;

/** The set's files, sorted (an unknown path or glob matching nothing is an error). */
export async function evalFiles(set: EvalSetOptions): Promise<InputFile[]> {
  let files: InputFile[];
  try {
    files = await expandInputs(set.paths);
  } catch (e) {
    throw new UserError(`${where(set)}: ${(e as Error).message}`);
  }
  for (const f of files) {
    if (f.format !== 'jsonl' && f.format !== 'jsonl.gz' && f.format !== 'parquet' && f.format !== 'text') {
      throw new UserError(`${where(set)}: ${f.path}: not an evaluation set file (JSONL, JSONL.gz, Parquet or .txt)`);
    }
  }
  return files;
}

function checkFields(set: EvalSetOptions, path: string, present: string[], what: string): void {
  for (const f of [...set.fields, ...(set.idField ? [set.idField] : [])]) {
    if (!present.includes(f)) throw new UserError(`${where(set)}: ${path}: no ${what} '${f}' (${what}s: ${present.join(', ') || 'none'})`);
  }
}

function itemOf(set: EvalSetOptions, get: (field: string) => unknown, fallbackId: string): EvalItem {
  const text = set.fields.map((f) => fieldText(get(f))).filter((t) => t !== undefined && t !== '').join('\n');
  const id = set.idField ? fieldText(get(set.idField)) : undefined;
  return { id: id === undefined || id === '' ? fallbackId : id, text };
}

async function* jsonlItems(set: EvalSetOptions, file: InputFile): AsyncGenerator<EvalItem> {
  const name = basename(file.path);
  let first = true;
  try {
    for await (const chunk of jsonlChunks(file.path, file.format === 'jsonl.gz')) {
      let line = chunk.firstLine;
      for (const raw of chunk.data.toString('utf8').split('\n')) {
        const n = line++;
        if (raw.trim() === '') continue;
        let rec: unknown;
        try {
          rec = JSON.parse(raw);
        } catch {
          throw new UserError(`${where(set)}: ${file.path}:${n}: not valid JSON`);
        }
        if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new UserError(`${where(set)}: ${file.path}:${n}: not a JSON object`);
        const obj = rec as Record<string, unknown>;
        if (first) checkFields(set, `${file.path}:${n}`, Object.keys(obj), 'field');
        first = false;
        yield itemOf(set, (f) => obj[f], `${name}:${n}`);
      }
    }
  } catch (e) {
    if (e instanceof UserError && !e.message.startsWith(where(set))) throw new UserError(`${where(set)}: ${e.message}`);
    throw e;
  }
}

async function* parquetItems(set: EvalSetOptions, file: InputFile): AsyncGenerator<EvalItem> {
  const pq = await openParquet(file.path).catch((e: Error) => {
    throw new UserError(`${where(set)}: ${e.message}`);
  });
  try {
    checkFields(set, file.path, parquetColumns(pq), 'column');
    const columns = [...new Set([...set.fields, ...(set.idField ? [set.idField] : [])])];
    const name = basename(file.path);
    let row = 0;
    const groups = pq.metadata().numRowGroups();
    for (let g = 0; g < groups; g++) {
      const table = await readRowGroup(file.path, pq, g, columns);
      const cols = new Map(columns.map((c) => [c, table.getChild(c)]));
      for (let i = 0; i < table.numRows; i++, row++) yield itemOf(set, (f) => cols.get(f)?.get(i), `${name}#${row}`);
    }
  } finally {
    try {
      pq.free();
    } catch {
      // parquet-wasm lost this file's memory; reading goes on
    }
  }
}

async function* textItems(file: InputFile): AsyncGenerator<EvalItem> {
  const name = basename(file.path);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file.path, 'utf8'), crlfDelay: Infinity })) {
    n++;
    if (line.trim() !== '') yield { id: `${name}:${n}`, text: line };
  }
}

/** Every item of the set, file by file in sorted order. */
export async function* readEvalItems(set: EvalSetOptions, files: InputFile[]): AsyncGenerator<EvalItem> {
  for (const file of files) {
    if (file.format === 'parquet') yield* parquetItems(set, file);
    else if (file.format === 'text') yield* textItems(file);
    else yield* jsonlItems(set, file);
  }
}
