import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Document } from '../pipelines/document.js';
import { UserError } from '../pipelines/errors.js';
import type { ReadOptions } from './readOptions.js';

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
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? String(obj.id) : `${basename(where.path)}:${where.line}`;
  const meta = obj.metadata && typeof obj.metadata === 'object' && !Array.isArray(obj.metadata) ? (obj.metadata as Record<string, unknown>) : {};
  return {
    id,
    text,
    url: typeof obj.url === 'string' ? obj.url : undefined,
    source: `${where.path}:${where.line}`,
    metadata: { ...meta, format },
  };
}

/** Streams a JSONL or JSONL.gz file line by line; never holds more than one line. */
export async function* readJsonl(path: string, gzipped: boolean, opts: ReadOptions = {}): AsyncGenerator<Document> {
  const file = createReadStream(path);
  if (opts.onBytes) file.on('data', (chunk) => opts.onBytes!(chunk.length));
  let source: Readable = file;
  let streamError: UserError | undefined;
  if (gzipped) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    source = file.pipe(gunzip);
  }
  source.on('error', (e: NodeJS.ErrnoException) => {
    streamError = gzipped && e.code?.startsWith('Z_') ? gzipError(path, e) : new UserError(`${path}: ${e.message}`);
  });
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      if (raw.trim() === '') continue;
      let rec: unknown;
      let problem: string | undefined;
      try {
        rec = JSON.parse(raw);
      } catch {
        problem = 'not valid JSON';
      }
      const doc = problem ? problem : recordToDocument(rec, { path, line }, opts.textField);
      if (typeof doc === 'string') {
        if (opts.strict) throw new UserError(`${path}:${line}: ${doc}`);
        opts.onWarning?.(`${path}:${line}: ${doc}; skipped`);
        opts.onMalformed?.();
        continue;
      }
      yield doc;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw streamError ?? (gzipped ? gzipError(path, e as NodeJS.ErrnoException) : new UserError(`${path}: ${(e as Error).message}`));
  } finally {
    lines.close();
    file.destroy();
  }
  if (streamError) throw streamError;
}
