/** Reading and writing tokenizer.json files (atomic write; one clear error for a bad file). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tokenizerFromHfJson, TokenizerJsonError, type HfTokenizerJson } from './hfJson.js';
import type { Tokenizer } from './tokenizer.js';

export interface LoadedTokenizer {
  tokenizer: Tokenizer;
  /** sha256 of the file's bytes, recorded in token manifests. */
  sha256: string;
}

/** Loads a byte-level BPE tokenizer.json. Throws TokenizerJsonError (with the path) for an unusable file. */
export async function loadTokenizerFile(path: string): Promise<LoadedTokenizer> {
  const bytes = await readFile(path);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new TokenizerJsonError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return { tokenizer: tokenizerFromHfJson(json), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (e) {
    if (e instanceof TokenizerJsonError) throw new TokenizerJsonError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Writes tokenizer.json atomically (temp file + rename). */
export async function saveTokenizerFile(path: string, json: HfTokenizerJson): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(json, null, 2) + '\n');
  await rename(tmp, path);
}
