// Piscina worker: encodes a batch of documents with a tokenizer.json (loaded once per worker).
import { loadTokenizerFile } from './tokenizerFile.js';
import type { Tokenizer } from './tokenizer.js';

export interface TokenizeTask {
  tokenizerPath: string;
  texts: string[];
}

export interface TokenizeResult {
  /** All documents' ids, concatenated. */
  flat: Int32Array;
  /** Tokens per document. */
  lengths: Int32Array;
}

let loaded: { path: string; tokenizer: Promise<Tokenizer> } | undefined;

/** Encodes texts; ids of all documents are returned flat, plus each document's length. */
export function encodeBatch(tokenizer: Tokenizer, texts: readonly string[]): TokenizeResult {
  const ids: number[] = [];
  const lengths = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const before = ids.length;
    tokenizer.encodeOrdinaryInto(texts[i]!, ids);
    lengths[i] = ids.length - before;
  }
  return { flat: Int32Array.from(ids), lengths };
}

export default async function tokenizeBatch(task: TokenizeTask): Promise<TokenizeResult> {
  if (loaded?.path !== task.tokenizerPath) {
    loaded = { path: task.tokenizerPath, tokenizer: loadTokenizerFile(task.tokenizerPath).then((l) => l.tokenizer) };
  }
  // Returned by structured clone: copying the ids costs far less than computing them.
  return encodeBatch(await loaded.tokenizer, task.texts);
}
