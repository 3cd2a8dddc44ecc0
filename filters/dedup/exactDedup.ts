/**
 * Exact duplicate removal across the whole run: a 64-bit hash of the normalised text, computed
 * in the worker (`metadata._exact_hash`), decided on the coordinator keeping the first document
 * in input order. Dropped: `exact_dedup:duplicate` with `metadata.duplicate_of`.
 */
import { z } from 'zod';
import type { Document } from '../../core/document.js';
import type { StepDefinition, Step, CoordinatorStep, CoordinatorContext } from '../../core/step.js';
import { zodOptions } from '../../core/options.js';
import { hashString64 } from './hash.js';
import { simplifyText } from './minhash/signature.js';
import { annotateKeys, createKeepFirstCoordinator, type KeepFirstSpec } from './keepFirst/keepFirstStep.js';

const Options = z.object({
  /**
   * What counts as "the same text": `whitespace` (default) ignores only spacing and line breaks;
   * `lowercase` also ignores case; `simplify` is MinHash's normalisation (also punctuation,
   * accents and digits); `none` compares the text byte for byte.
   */
  normalise: z.enum(['none', 'whitespace', 'lowercase', 'simplify']).default('whitespace'),
  /**
   * Disk-backed index: MiB for its in-memory key table (32 bytes per key); the rest of the index
   * goes to sorted run files under the run's state/ directory. Leave unset for the all-in-memory
   * index (null, the default: faster, ~60 bytes per kept document); set it when the run has far more than ~50M documents.
   */
  memoryMb: z.number().min(0.01).max(1_048_576).nullable().default(null),
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

function spec(options: ExactDedupOptions): KeepFirstSpec {
  return {
    name: 'exact_dedup',
    reason: 'exact_dedup:duplicate',
    metadataKey: '_exact_hash',
    numKeys: 1,
    computeKeys(doc: Document) {
      const keys = new Uint32Array(2);
      hashString64(exactDedupText(doc.text, options.normalise), keys);
      return keys;
    },
    unkeyedCounter: 'unkeyed',
    memoryMb: options.memoryMb ?? undefined,
  };
}

export function createExactHashStep(options: ExactDedupOptions): Step {
  const s = spec(options);
  return { name: 'exact_dedup', kind: 'annotate', run: (batch) => annotateKeys(s, batch) };
}

export function createExactDedupCoordinator(options: ExactDedupOptions, context?: CoordinatorContext): CoordinatorStep {
  return createKeepFirstCoordinator(spec(options), context);
}

export const exactDedupStep: StepDefinition<ExactDedupOptions> = {
  name: 'exact_dedup',
  description: 'Exact duplicate removal across the run (64-bit hash of whitespace-normalised text), keeps the first',
  parseOptions: zodOptions('exact_dedup', Options),
  worker: createExactHashStep,
  coordinator: createExactDedupCoordinator,
};
