import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';

interface TokenizerJson {
  model?: { vocab?: Record<string, number> };
  added_tokens?: Array<{ id: number; content: string }>;
}

/** Vocabulary size of a HuggingFace tokenizer.json: model.vocab plus added tokens not already in it. */
export function tokenizerVocabSize(file: string): number {
  if (!existsSync(file)) throw new UserError(`tokenizer file ${file} does not exist`);
  let json: TokenizerJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as TokenizerJson;
  } catch (e) {
    throw new UserError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  const vocab = json.model?.vocab;
  if (!vocab || typeof vocab !== 'object') throw new UserError(`${file}: not a HuggingFace tokenizer.json (no model.vocab)`);
  const ids = new Set(Object.values(vocab));
  for (const t of json.added_tokens ?? []) ids.add(t.id);
  return ids.size;
}
