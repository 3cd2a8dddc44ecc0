import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { InputFile } from './inputs.js';

/** What an input file holds: web pages (HTML to extract text from) or text that is already text. */
export type InputKind = 'html' | 'text';

/** The first non-blank line of a JSONL(.gz) file, or undefined (empty, unreadable or not gzip). */
async function firstLine(file: InputFile): Promise<string | undefined> {
  const raw = createReadStream(file.path);
  const stream: Readable = file.format === 'jsonl.gz' ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim()) return line;
    return undefined;
  } catch {
    return undefined; // the reader reports a bad file with its own error when the run reads it
  } finally {
    lines.close();
    raw.destroy();
    stream.destroy();
  }
}

/**
 * The kind of documents a file holds, as the readers will hand them on: `.html`, WARC and JSONL
 * records with an `html` field (and no text field) are web pages; `.txt`, Parquet `text` columns and
 * JSONL text fields are text. A JSONL file is judged by its first record, as the reader reads it.
 */
export async function inputKind(file: InputFile, textField = 'text'): Promise<InputKind> {
  switch (file.format) {
    case 'html':
    case 'warc':
    case 'warc.gz':
      return 'html';
    case 'text':
    case 'parquet':
      return 'text';
    case 'jsonl':
    case 'jsonl.gz': {
      if (textField !== 'text') return 'text';
      const line = await firstLine(file);
      if (line === undefined) return 'text';
      try {
        const rec = JSON.parse(line) as Record<string, unknown> | null;
        return rec && typeof rec === 'object' && rec.text === undefined && typeof rec.html === 'string' ? 'html' : 'text';
      } catch {
        return 'text';
      }
    }
  }
}
