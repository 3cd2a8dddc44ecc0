import { UserError } from '../core/errors.js';
import { countSpacedWords } from '../filters/text/spacedWords.js';
import { TokenizerJsonError } from '../tokenizer/hfJson.js';
import { IdBuffer } from '../tokenizer/idBuffer.js';
import { loadTokenizerFile } from '../tokenizer/tokenizerFile.js';

/** Words as the corpus profile counts them (whitespace-separated, unspaced scripts segmented). */
export const countWords = countSpacedWords;

/**
 * A token counter from a tokenizer.json (ordinary text: special-token strings in a document count as
 * the text they are, as `tokenize` encodes documents). One id buffer, reused.
 */
export async function tokenCounter(path: string): Promise<(text: string) => number> {
  let tokenizer;
  try {
    tokenizer = (await loadTokenizerFile(path)).tokenizer;
  } catch (e) {
    if (e instanceof TokenizerJsonError) throw new UserError(e.message);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${path}: no such tokenizer file`);
    throw e;
  }
  const ids = new IdBuffer(4096);
  return (text) => {
    ids.length = 0;
    tokenizer.encodeOrdinaryIds(text, ids);
    return ids.length;
  };
}
