import type { Document } from '../core/document.js';
import { expandInputs, type InputFile } from './inputs.js';
import { readJsonl } from './jsonlReader.js';
import { readParquetDocuments } from './parquetReader.js';
import { readWholeFile } from './fileReader.js';
import { readWarc } from './warcReader.js';
import type { ReadOptions } from './readOptions.js';

export type { ReadOptions } from './readOptions.js';

/** Streams the documents of one input file, whatever its format. */
export async function* readFile(file: InputFile, opts: ReadOptions = {}): AsyncGenerator<Document> {
  switch (file.format) {
    case 'jsonl':
    case 'jsonl.gz':
      yield* readJsonl(file.path, file.format === 'jsonl.gz', opts);
      return;
    case 'parquet':
      yield* readParquetDocuments(file.path, opts);
      return;
    case 'text':
    case 'html':
      yield* readWholeFile(file.path, file.format, opts);
      return;
    case 'warc':
    case 'warc.gz':
      yield* readWarc(file.path, opts);
      return;
  }
}

/** Streams every document of the given paths, folders and globs, in sorted file order. */
export async function* readDocuments(paths: string[], opts: ReadOptions = {}): AsyncGenerator<Document> {
  for (const file of await expandInputs(paths)) yield* readFile(file, opts);
}
