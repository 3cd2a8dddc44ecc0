/** Options shared by every reader. */
export interface ReadOptions {
  /** JSONL field / Parquet column holding the text (default `text`). */
  textField?: string;
  /** Make malformed records fatal instead of counted and skipped. */
  strict?: boolean;
  /** Called with one line naming file (and line) for each skipped malformed record. */
  onWarning?: (message: string) => void;
  /** Called once per skipped malformed record (stats count them under `malformed`). */
  onMalformed?: () => void;
  /** Called with the number of input bytes consumed since the last call (progress, ETA). */
  onBytes?: (bytes: number) => void;
}
