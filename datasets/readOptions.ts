/** Options shared by every reader. */
export interface ReadOptions {
  /** JSONL field / Parquet column holding the text (default `text`). */
  textField?: string;
  /** Make malformed records fatal instead of counted and skipped. */
  strict?: boolean;
  /**
   * Largest document read (default DEFAULT_MAX_DOCUMENT_BYTES): UTF-8 bytes of its text, or for a .txt/.html
   * file and a WARC payload the bytes before decoding. A larger one is dropped, counted under `too_large`.
   */
  maxDocumentBytes?: number;
  /** Called with one line naming file (and line) for each skipped malformed record. */
  onWarning?: (message: string) => void;
  /** Called once per skipped malformed record (stats count them under `malformed`). */
  onMalformed?: () => void;
  /** Called once per document dropped by a reading limit, with the reason stats.json counts (`input.dropped`). */
  onDropped?: (reason: DropReason) => void;
  /** Called with the number of input bytes consumed since the last call (progress, ETA). */
  onBytes?: (bytes: number) => void;
}

/** Why a reader dropped a well-formed document. */
export type DropReason = 'too_large';

/**
 * Default document size limit: 10 MiB. Gopher's quality rules (filters/quality) drop documents over 100,000
 * words, about 0.6 MB of English, and Common Crawl truncates payloads at 1 MiB, so nothing a usual recipe keeps
 * is lost, while one record can no longer take gigabytes of a worker (curate peaked at 33x a record's size).
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export const maxDocumentBytesOf = (opts: ReadOptions): number => opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;

/**
 * Reports a document dropped for its size: a warning naming where it was and its size (`atLeast`: reading
 * stopped past the limit, so only a lower bound is known), and the count.
 */
export function dropTooLarge(opts: ReadOptions, where: string, bytes: number, atLeast = false): void {
  opts.onWarning?.(`${where}: document of ${atLeast ? 'at least ' : ''}${bytes} bytes is over the ${maxDocumentBytesOf(opts)}-byte document limit (maxDocumentBytes); dropped`);
  opts.onDropped?.('too_large');
}

/**
 * Whether a string's UTF-8 form is longer than `limit` bytes. A string of n UTF-16 units takes n to 3n
 * bytes, so most documents are answered without a scan.
 */
export function utf8LengthOver(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, 'utf8') > limit;
}
