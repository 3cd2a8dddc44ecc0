import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Document } from '../core/document.js';
import type { ReadOptions } from './readOptions.js';

/**
 * A .txt or .html file is one document (as datatrove's text readers treat them). The file is read
 * whole because the document is; corpora of many small files stream file by file.
 */
export async function* readWholeFile(path: string, format: 'text' | 'html', opts: ReadOptions = {}): AsyncGenerator<Document> {
  const buf = await readFile(path);
  opts.onBytes?.(buf.length);
  yield {
    id: basename(path),
    text: new TextDecoder('utf-8').decode(buf),
    source: path,
    metadata: { format },
  };
}
