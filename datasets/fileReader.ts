import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Document } from '../core/document.js';
import { dropTooLarge, maxDocumentBytesOf, type ReadOptions } from './readOptions.js';
import { bomEncoding, decodeWith, detectCharset } from './charset.js';

/**
 * A .txt or .html file is one document (as datatrove's text readers treat them). The file is read
 * whole because the document is; corpora of many small files stream file by file.
 */
export async function* readWholeFile(path: string, format: 'text' | 'html', opts: ReadOptions = {}): AsyncGenerator<Document> {
  // A file over the document limit is dropped unread.
  const { size } = await stat(path);
  if (size > maxDocumentBytesOf(opts)) {
    opts.onBytes?.(size);
    dropTooLarge(opts, path, size);
    return;
  }
  const buf = await readFile(path);
  opts.onBytes?.(buf.length);
  // An HTML file says its charset as a page does (BOM, <meta>); a text file is UTF-8 unless a BOM says UTF-16.
  const charset = format === 'html' ? detectCharset(buf) : { encoding: bomEncoding(buf) ?? 'utf-8' };
  yield {
    id: basename(path),
    text: decodeWith(buf, charset.encoding),
    source: path,
    metadata: format === 'html' ? { format, charset: charset.encoding } : { format },
  };
}
