/** One unit of text moving through a pipeline, with enough provenance to trace it back to its origin. */
export interface Document {
  /** Stable id: from the input when it has one, else derived from source + position. */
  id: string;
  text: string;
  /** Where the text was fetched from, when known (crawl, WARC, JSONL `url`). */
  url?: string;
  /** Where the document was read from: file path plus locator (line, row, WARC record offset). */
  source: string;
  /** ISO 639-3 code set by the language-ID step; `und` when undetermined. */
  lang?: string;
  langScore?: number;
  /** Free-form annotations; written to the shard's `metadata` column as JSON. */
  metadata: Record<string, unknown>;
}

/** A document a step removed, with the reason the step gave (e.g. `gopher_quality:too_short`). */
export interface Rejected {
  doc: Document;
  reason: string;
}
