/**
 * The input of `corpusforge tokenize` cut into units for the workers, in input order: JSONL files as whole lines
 * (bytes; this thread only finds line ends), the other formats as documents read here. A resume skips the
 * documents written before the interruption here, so they are not encoded again.
 */
import type { Document } from '../core/document.js';
import type { InputFile } from '../datasets/inputs.js';
import { jsonlChunkDocuments, jsonlChunks, jsonlLineLimit } from '../datasets/jsonlReader.js';
import { maxDocumentBytesOf, type ReadOptions } from '../datasets/readOptions.js';
import { readFile as readInputFile } from '../datasets/readers.js';
import type { InputUnit } from './tokenizeUnits.js';

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
