/**
 * Exact duplicate removal across the whole run: a 64-bit hash of the normalised text, computed
 * in the worker (`metadata._exact_hash`), decided on the coordinator keeping the first document
 * in input order. Dropped: `exact_dedup:duplicate` with `metadata.duplicate_of`.
 */
import { z } from 'zod';
import { hashString64 } from './hash.js';
import { simplifyText } from './minhash/signature.js';
import { defineKeepFirstStep, memoryMbOption } from './keepFirst/keepFirstStep.js';

const Options = z.object({
  /**
   * What counts as "the same text": `whitespace` (default) ignores only spacing and line breaks;
   * `lowercase` also ignores case; `simplify` is MinHash's normalisation (also punctuation,
   * accents and digits); `none` compares the text byte for byte.
   */
  normalise: z.enum(['none', 'whitespace', 'lowercase', 'simplify']).default('whitespace'),
  /** Disk-backed index (see memoryMbOption); unset, ~60 bytes per kept document in memory: set it past ~50M documents. */
  memoryMb: memoryMbOption,
});
export type ExactDedupOptions = z.output<typeof Options>;

// Whitespace runs to fold into one ' ' (a lone ' ' is not matched: no rewrite of ordinary text).
const SPACES = /\s{2,}|[^\S ]/g;

/** The text exact dedup compares, under the given normalisation. */
export function exactDedupText(text: string, mode: ExactDedupOptions['normalise']): string {
  switch (mode) {
    case 'none':
      return text;
    case 'whitespace':
      return text.replace(SPACES, ' ').trim();
    case 'lowercase':
      return text.toLowerCase().replace(SPACES, ' ').trim();
    case 'simplify':
      return simplifyText(text);
  }
}

export const exactDedupStep = defineKeepFirstStep({
  name: 'exact_dedup',
  description: 'Exact duplicate removal across the run (64-bit hash of whitespace-normalised text), keeps the first',
  options: Options,
  keys: (options) => ({
    duplicateRule: 'duplicate',
    metadataKey: '_exact_hash',
    numKeys: 1,
    computeKeys(doc) {
      const keys = new Uint32Array(2);
      hashString64(exactDedupText(doc.text, options.normalise), keys);
      return keys;
    },
    unkeyedCounter: 'unkeyed',
    memoryMb: options.memoryMb,
  }),
});
