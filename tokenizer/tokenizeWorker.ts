// Piscina worker: encodes a batch of documents. The tokenizer arrives once per worker as `workerData` (a model
// the main thread built, in shared typed arrays), so no worker parses tokenizer.json or rebuilds merge tables.
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { Tokenizer, type SharedTokenizer } from './tokenizer.js';

export interface TokenizeTask {
  texts: string[];
}

export interface TokenizeWorkerData {
  tokenizer: SharedTokenizer;
}

export interface TokenizeResult {
  /** All documents' ids, concatenated. */
  flat: Int32Array;
  /** Tokens per document. */
  lengths: Int32Array;
}

let tokenizer: Tokenizer | undefined;

/** Encodes texts; ids of all documents are returned flat, plus each document's length. */
export function encodeBatch(tok: Tokenizer, texts: readonly string[]): TokenizeResult {
  const ids: number[] = [];
  const lengths = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const before = ids.length;
    tok.encodeOrdinaryInto(texts[i]!, ids);
    lengths[i] = ids.length - before;
  }
  return { flat: Int32Array.from(ids), lengths };
}

export default function tokenizeBatch(task: TokenizeTask): unknown {
  tokenizer ??= Tokenizer.fromShared((workerData as TokenizeWorkerData).tokenizer);
  const result = encodeBatch(tokenizer, task.texts);
  // Transferred, not copied: the buffers move to the main thread.
  return move({
    [transferableSymbol]: [result.flat.buffer, result.lengths.buffer],
    [valueSymbol]: result,
  });
}
