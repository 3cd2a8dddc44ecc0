/**
 * tokenizer.json files: load and save a byte-level BPE tokenizer (atomic write; one clear error for a bad
 * file), and the vocabulary size of any HuggingFace tokenizer.json (what the trainer checks its data against).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { writeJsonAtomic } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
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

/** Writes tokenizer.json atomically. */
export function saveTokenizerFile(path: string, json: HfTokenizerJson): Promise<void> {
  return writeJsonAtomic(path, json);
}

/** The fields tokenizerVocabSize reads (any HuggingFace model type with a vocab map). */
interface VocabFields {
  model?: { vocab?: Record<string, number> };
  added_tokens?: Array<{ id: number; content: string }>;
}

/** Vocabulary size of a HuggingFace tokenizer.json: model.vocab plus added tokens not already in it. */
export function tokenizerVocabSize(file: string): number {
  if (!existsSync(file)) throw new UserError(`tokenizer file ${file} does not exist`);
  let json: VocabFields;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as VocabFields;
  } catch (e) {
    throw new UserError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  const vocab = json.model?.vocab;
  if (!vocab || typeof vocab !== 'object') throw new UserError(`${file}: not a HuggingFace tokenizer.json (no model.vocab)`);
  const ids = new Set(Object.values(vocab));
  for (const t of json.added_tokens ?? []) ids.add(t.id);
  return ids.size;
}
