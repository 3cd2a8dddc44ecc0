// Piscina worker: encodes a batch of documents. The tokenizer comes with each task as a model the main thread
// built, in shared typed arrays (no copy); a worker adopts it once per key, so no worker parses tokenizer.json
// or rebuilds merge tables.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { Tokenizer, type SharedTokenizer } from './tokenizer.js';
import { IdBuffer } from './idBuffer.js';

export interface TokenizeTask {
  texts: string[];
  tokenizer: SharedTokenizer;
  /** Identifies the tokenizer (its file's sha256): adopted once per worker. */
  tokenizerKey: string;
}

export interface TokenizeResult {
  /** All documents' ids, concatenated. */
  flat: Int32Array;
  /** Tokens per document. */
  lengths: Int32Array;
}

let adopted: { key: string; tokenizer: Tokenizer } | undefined;

/** Encodes texts; ids of all documents are returned flat, plus each document's length. */
export function encodeBatch(tok: Tokenizer, texts: readonly string[]): TokenizeResult {
  let chars = 0;
  for (const t of texts) chars += t.length;
  const ids = new IdBuffer(chars >> 2);
  const lengths = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const before = ids.length;
    tok.encodeOrdinaryIds(texts[i]!, ids);
    lengths[i] = ids.length - before;
  }
  return { flat: ids.slice(), lengths };
}

export default function tokenizeBatch(task: TokenizeTask): unknown {
  if (adopted?.key !== task.tokenizerKey) adopted = { key: task.tokenizerKey, tokenizer: Tokenizer.fromShared(task.tokenizer) };
  const result = encodeBatch(adopted.tokenizer, task.texts);
  // Transferred, not copied: the buffers move to the main thread.
  return move({
    [transferableSymbol]: [result.flat.buffer, result.lengths.buffer],
    [valueSymbol]: result,
  });
}
